//! Property tests: whatever the input, the kubeconfig parser and `Config::from_kubeconfig`
//! return a value or a typed error, never a panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use client_core::{Config, ConfigError, Kubeconfig, KubeconfigOptions};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        ..ProptestConfig::default()
    }
}

/// Values that exercise the interesting paths: empty, base64, PEM-ish, URLs, numbers, nesting.
fn value() -> impl Strategy<Value = String> {
    let scalar = prop_oneof![
        Just("''".to_owned()),
        Just("https://127.0.0.1:6443/prefix".to_owned()),
        Just("aGVsbG8=".to_owned()),
        Just("LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==".to_owned()),
        Just("client.authentication.k8s.io/v1".to_owned()),
        "[a-z0-9:/._-]{1,20}",
        "\\PC{0,12}".prop_map(|s| format!("{s:?}")),
    ];
    let other = prop_oneof![
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just("[a, b]".to_owned()),
        Just("{x: 1}".to_owned()),
        any::<i64>().prop_map(|n| n.to_string()),
    ];
    prop_oneof![8 => scalar, 1 => other]
}

const CLUSTER_KEYS: &[&str] = &[
    "server",
    "certificate-authority",
    "certificate-authority-data",
    "insecure-skip-tls-verify",
    "tls-server-name",
    "proxy-url",
];
const USER_KEYS: &[&str] = &[
    "token",
    "tokenFile",
    "username",
    "password",
    "client-certificate",
    "client-certificate-data",
    "client-key",
    "client-key-data",
    "as",
    "as-uid",
    "as-groups",
    "as-user-extra",
    "exec",
    "auth-provider",
];
const EXEC_KEYS: &[&str] = &[
    "apiVersion",
    "command",
    "args",
    "env",
    "interactiveMode",
    "provideClusterInfo",
    "installHint",
];

/// A flow mapping of 0 to 3 of `keys` with arbitrary values, after the `fixed` fields.
fn fields(fixed: &'static str, keys: &'static [&'static str]) -> impl Strategy<Value = String> {
    let keys = prop::sample::subsequence(keys, 0..3);
    let values = prop::collection::vec(value(), 3);
    (keys, values).prop_map(move |(keys, values)| {
        let mut inner: Vec<String> = Vec::new();
        if !fixed.is_empty() {
            inner.push(fixed.to_owned());
        }
        inner.extend(
            keys.iter()
                .zip(values)
                .filter(|(k, _)| !fixed.contains(**k))
                .map(|(k, v)| format!("{k}: {v}")),
        );
        format!("{{{}}}", inner.join(", "))
    })
}

/// A kubeconfig-shaped document whose fields hold arbitrary values.
fn kubeconfig_like() -> impl Strategy<Value = String> {
    let name = prop::sample::select(vec!["a", "a", "b"]);
    (
        prop::option::weighted(0.9, name.clone()),
        prop::collection::vec((name.clone(), fields("server: 'https://h:1/p'", CLUSTER_KEYS)), 1..3),
        prop::collection::vec((name.clone(), fields("", USER_KEYS), fields("command: x, interactiveMode: Never", EXEC_KEYS), any::<bool>()), 1..3),
        prop::collection::vec((name.clone(), name.clone(), name, "[a-z]{0,5}"), 1..3),
    )
        .prop_map(|(current, clusters, users, contexts)| {
            let mut doc = String::new();
            if let Some(current) = current {
                doc.push_str(&format!("current-context: {current:?}\n"));
            }
            doc.push_str("clusters:\n");
            for (name, cluster) in clusters {
                doc.push_str(&format!("- name: {name:?}\n  cluster: {cluster}\n"));
            }
            doc.push_str("users:\n");
            for (name, user, exec, with_exec) in users {
                let user = if with_exec {
                    format!("{{exec: {exec}}}")
                } else {
                    user
                };
                doc.push_str(&format!("- name: {name:?}\n  user: {user}\n"));
            }
            doc.push_str("contexts:\n");
            for (name, cluster, user, namespace) in contexts {
                doc.push_str(&format!(
                    "- name: {name:?}\n  context: {{cluster: {cluster:?}, user: {user:?}, namespace: {namespace}}}\n"
                ));
            }
            doc
        })
}

fn typed(err: &ConfigError) -> bool {
    // Every error renders, and its message is not empty.
    !err.to_string().is_empty()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_text_parses_or_fails_with_a_typed_error(text in "\\PC{0,200}") {
        if let Err(err) = Kubeconfig::from_yaml(&text) {
            prop_assert!(typed(&err));
        }
    }

    #[test]
    fn arbitrary_bytes_in_a_file_read_or_fail_with_a_typed_error(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        std::fs::write(&path, &bytes).unwrap();
        match Kubeconfig::read_from(&path) {
            Ok(kubeconfig) => prop_assert_eq!(kubeconfig.sources, vec![path]),
            Err(err) => prop_assert!(matches!(err, ConfigError::Yaml { .. }), "{:?}", err),
        }
    }

    #[test]
    fn kubeconfig_shaped_documents_give_a_config_or_a_typed_error(doc in kubeconfig_like(), context in prop::option::of(prop::sample::select(vec!["a", "b"]))) {
        match Kubeconfig::from_yaml(&doc) {
            Ok(kubeconfig) => {
                let options = KubeconfigOptions { context: context.map(str::to_owned), ..KubeconfigOptions::default() };
                if let Err(err) = Config::from_kubeconfig(&kubeconfig, &options) {
                    prop_assert!(typed(&err));
                }
            }
            Err(err) => prop_assert!(matches!(err, ConfigError::Yaml { .. }), "{:?}", err),
        }
    }

    #[test]
    fn a_secret_in_a_field_of_the_wrong_type_never_reaches_the_error(
        secret in "[^\\x00-\\x1f]{6,24}",
        field in prop::sample::select(vec!["insecure-skip-tls-verify", "as-groups", "as-user-extra", "args", "provideClusterInfo"]),
    ) {
        let quoted = serde_json::to_string(&secret).unwrap();
        let doc = match field {
            "insecure-skip-tls-verify" => format!("clusters: [{{name: a, cluster: {{{field}: {quoted}}}}}]"),
            "args" | "provideClusterInfo" => format!("users: [{{name: a, user: {{exec: {{{field}: {quoted}}}}}}}]"),
            _ => format!("users: [{{name: a, user: {{{field}: {quoted}}}}}]"),
        };
        let err = Kubeconfig::from_yaml(&doc).unwrap_err();
        let text = format!("{err} {err:?}");
        prop_assert!(!text.contains(secret.as_str()), "{}", text);
    }

    // Issue 11, items 13-14: whatever the server value, a config never holds an IPv4 host
    // that was not written as one, and neither Debug shows the URL's password.
    #[test]
    fn server_values_never_become_unwritten_addresses_or_leak_passwords(
        scheme in prop::sample::select(vec!["", "http://", "https://"]),
        userinfo in prop::option::of(Just("u:pAss-w0rd@")),
        host in prop_oneof!["[0-9]{1,12}", "[0-9x.]{1,15}", "[a-z0-9.-]{1,12}", Just("127.0.0.1".to_owned())],
        port in prop::option::of(1u16..),
        tls in any::<bool>(),
    ) {
        let server = format!(
            "{scheme}{}{host}{}",
            userinfo.unwrap_or_default(),
            port.map(|p| format!(":{p}")).unwrap_or_default()
        );
        let doc = format!(
            "current-context: a\ncontexts: [{{name: a, context: {{cluster: a}}}}]\nclusters: [{{name: a, cluster: {{server: {server:?}, insecure-skip-tls-verify: {tls}}}}}]\n"
        );
        let kubeconfig = Kubeconfig::from_yaml(&doc).unwrap();
        let debug = format!("{kubeconfig:?}");
        prop_assert!(!debug.contains("pAss-w0rd"));
        match Config::from_kubeconfig(&kubeconfig, &KubeconfigOptions::default()) {
            Ok(config) => {
                let debug = format!("{config:?}");
                prop_assert!(!debug.contains("pAss-w0rd"));
                if let Some(ip) = config.cluster_url.host_str().and_then(|h| h.parse::<std::net::Ipv4Addr>().ok()) {
                    prop_assert!(server.contains(&ip.to_string()), "{} became {}", server, ip);
                }
                if scheme.is_empty() {
                    prop_assert_eq!(config.cluster_url.scheme(), if tls { "https" } else { "http" });
                }
            }
            Err(err) => {
                prop_assert!(typed(&err));
                prop_assert!(!err.to_string().contains("pAss-w0rd"), "{}", err);
            }
        }
    }

    #[test]
    fn merging_never_loses_the_first_definition(a in kubeconfig_like(), b in kubeconfig_like()) {
        if let (Ok(first), Ok(second)) = (Kubeconfig::from_yaml(&a), Kubeconfig::from_yaml(&b)) {
            let merged = first.clone().merge(second.clone());
            for cluster in &first.clusters {
                let winner = merged.cluster(&cluster.name).unwrap();
                let expected = first.cluster(&cluster.name).unwrap();
                prop_assert_eq!(&winner.cluster.server, &expected.cluster.server);
            }
            let expected_current = first.current_context.clone().or(second.current_context.clone());
            prop_assert_eq!(merged.current_context, expected_current);
        }
    }
}
