//! The form of an API version.

/// Whether `s` is a Kubernetes API version: `v<N>`, `v<N>alpha<M>` or
/// `v<N>beta<M>`, with `N` and `M` positive and without leading zeros (the
/// form kube-apiserver sorts versions by).
///
/// ```
/// use client_names::is_api_version;
/// assert!(is_api_version("v1"));
/// assert!(is_api_version("v1beta2"));
/// assert!(is_api_version("v2alpha1"));
/// assert!(!is_api_version("v1.0"));
/// assert!(!is_api_version("v0"));
/// ```
pub fn is_api_version(s: &str) -> bool {
    fn number(s: &str) -> bool {
        !s.is_empty() && !s.starts_with('0') && s.bytes().all(|c| c.is_ascii_digit())
    }
    let Some(rest) = s.strip_prefix('v') else {
        return false;
    };
    let major_end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let (major, tail) = rest.split_at(major_end);
    if !number(major) {
        return false;
    }
    if tail.is_empty() {
        return true;
    }
    let level = tail
        .strip_prefix("alpha")
        .or_else(|| tail.strip_prefix("beta"));
    level.is_some_and(number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        for ok in [
            "v1", "v2", "v10", "v1beta1", "v1beta2", "v2alpha1", "v3beta10",
        ] {
            assert!(is_api_version(ok), "{ok}");
        }
        for bad in [
            "", "1", "v", "v0", "v01", "V1", "v1beta", "v1gamma1", "v1beta0", "v1-beta1", "v1.0",
        ] {
            assert!(!is_api_version(bad), "{bad}");
        }
    }
}
