//! The object the POST workload creates: the fixture's first ConfigMap
//! without the fields the server sets (uid, resourceVersion, creation time).

use super::ConfigMap;
use crate::{BenchError, fixture};

/// The name of the object the POST workload creates.
pub const POSTED_NAME: &str = "widget-config-new";

/// The ConfigMap every POST sends (about 1.1 KB of JSON).
pub fn to_post() -> Result<ConfigMap, BenchError> {
    let mut json = Vec::new();
    fixture::template(0).render_into(1, &mut json);
    let mut obj: ConfigMap = serde_json::from_slice(&json)
        .map_err(|e| BenchError::Client(format!("the fixture object: {e}")))?;
    obj.metadata.name = Some(POSTED_NAME.to_owned());
    obj.metadata.uid = None;
    obj.metadata.resource_version = None;
    obj.metadata.creation_timestamp = None;
    Ok(obj)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_posted_object_keeps_its_data_and_drops_server_fields() -> Result<(), BenchError> {
        let obj = to_post()?;
        assert_eq!(obj.metadata.name.as_deref(), Some(POSTED_NAME));
        assert!(obj.metadata.uid.is_none() && obj.metadata.resource_version.is_none());
        assert_eq!(obj.data.as_ref().map(|d| d.len()), Some(4));
        let size = serde_json::to_vec(&obj).map_err(|e| BenchError::Client(e.to_string()))?;
        assert!((1000..1300).contains(&size.len()), "{}", size.len());
        Ok(())
    }
}
