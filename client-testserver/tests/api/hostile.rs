//! Hostile input and slow peers (issue 11): each test is one fault's
//! regression test.

use super::*;

/// `--kubeconfig-out` (`TestServer::write_kubeconfig`) holds the bearer
/// token: the file must be readable by its owner only.
#[cfg(unix)]
#[tokio::test]
async fn kubeconfig_out_is_written_with_mode_0600() {
    use std::os::unix::fs::PermissionsExt as _;
    within(async {
        let (s, _c) = server().await;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kubeconfig");
        s.write_kubeconfig(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "mode {mode:o}");
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .contains("token: \"t\"")
        );
    })
    .await;
}
