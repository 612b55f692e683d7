//! Why a strategic merge patch did not apply, and kube-apiserver's answer
//! to each reason.

use crate::error::ApiError;

/// Why a strategic merge patch did not apply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SmpError {
    /// `$retainKeys` is not a list, or the patch sets a field it omits.
    #[error("invalid patch format of retainKeys")]
    RetainKeys,
    /// A `$deleteFromPrimitiveList` key without a field name.
    #[error("invalid patch format of primitive list")]
    PrimitiveList,
    /// A `$setElementOrder` key or value that is not well formed.
    #[error("invalid patch format of setElementOrder list")]
    SetElementOrder,
    /// A list whose items are lists.
    #[error("lists of lists are not supported")]
    ListOfLists,
    /// Any other failure, in apimachinery's words (a 500 on the server).
    #[error("{0}")]
    Other(String),
}

impl SmpError {
    /// kube-apiserver's answer: the patch-format errors are 400, lists of
    /// lists 422, anything else 500 with the error's text.
    pub(crate) fn to_api_error(&self) -> ApiError {
        match self {
            SmpError::RetainKeys | SmpError::PrimitiveList | SmpError::SetElementOrder => {
                ApiError::bad_request(self.to_string())
            }
            SmpError::ListOfLists => ApiError::new(
                422,
                "Invalid",
                "the server rejected our request due to an error in our request",
            )
            .with_cause("UnexpectedServerResponse", &self.to_string(), ""),
            SmpError::Other(m) => ApiError::internal(m.clone()),
        }
    }
}
