//! Kubeconfig loading against the fixtures in `tests/fixtures/kubeconfig/`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use client_core::config::error::EntryKind;
use client_core::config::kubeconfig::NamedUser;
use client_core::{Config, ConfigError, Kubeconfig, KubeconfigOptions};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kubeconfig")
}

fn fixture(name: &str) -> PathBuf {
    fixtures().join(name)
}

fn context(name: &str) -> KubeconfigOptions {
    KubeconfigOptions {
        context: Some(name.into()),
        ..KubeconfigOptions::default()
    }
}

fn auth_forms() -> Kubeconfig {
    Kubeconfig::read_from(fixture("auth-forms.yaml")).unwrap()
}

fn config_for(context_name: &str) -> Config {
    Config::from_kubeconfig(&auth_forms(), &context(context_name)).unwrap()
}

fn user<'a>(kubeconfig: &'a Kubeconfig, name: &str) -> &'a NamedUser {
    kubeconfig.user(name).unwrap()
}

// ---------------------------------------------------------------- merging

fn merge_files() -> Vec<PathBuf> {
    vec![
        fixture("merge/first.yaml"),
        fixture("merge/missing.yaml"),
        fixture("merge/nested/second.yaml"),
        fixture("merge/third.yaml"),
    ]
}

#[test]
fn the_first_file_to_define_a_name_wins() {
    let merged = Kubeconfig::read_merged(merge_files()).unwrap();
    assert_eq!(
        merged.cluster("shared").unwrap().cluster.server.as_deref(),
        Some("https://first.example")
    );
    assert_eq!(
        merged
            .user("shared-user")
            .unwrap()
            .user
            .token
            .as_ref()
            .unwrap()
            .expose(),
        "first-token"
    );
    assert_eq!(
        merged
            .context("shared")
            .unwrap()
            .context
            .namespace
            .as_deref(),
        Some("first-ns")
    );
    // Names only later files define are still merged in.
    assert!(merged.cluster("only-second").is_some());
    assert!(merged.context("third-ctx").is_some());
    let names: Vec<&str> = merged.clusters.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["shared", "only-second"]);
    // Each entry remembers its file; the missing file is skipped.
    assert_eq!(
        merged.cluster("shared").unwrap().origin.as_deref(),
        Some(fixture("merge/first.yaml").as_path())
    );
    assert_eq!(
        merged.cluster("only-second").unwrap().origin.as_deref(),
        Some(fixture("merge/nested/second.yaml").as_path())
    );
    assert_eq!(merged.sources.len(), 3);
}

#[test]
fn current_context_comes_from_the_first_file_that_sets_it() {
    let merged = Kubeconfig::read_merged(merge_files()).unwrap();
    assert_eq!(merged.current_context.as_deref(), Some("second-ctx"));

    let config = Config::from_kubeconfig(&merged, &KubeconfigOptions::default()).unwrap();
    assert_eq!(config.cluster_url.as_str(), "https://only-second.example/");
    assert_eq!(config.default_namespace, "second-ns");

    // A context from one file can use a cluster from another.
    let config = Config::from_kubeconfig(&merged, &context("third-ctx")).unwrap();
    assert_eq!(config.cluster_url.host_str(), Some("first.example"));
    assert_eq!(config.default_namespace, "default");
}

#[test]
fn a_kubeconfig_path_list_is_split_and_empty_entries_are_ignored() {
    let list = std::env::join_paths([
        fixture("merge/third.yaml"),
        PathBuf::new(),
        fixture("merge/first.yaml"),
        fixture("merge/nested/second.yaml"),
    ])
    .unwrap();
    let merged = Kubeconfig::read_path_list(&list).unwrap();
    assert_eq!(merged.current_context.as_deref(), Some("third-ctx"));
    assert_eq!(
        merged.cluster("shared").unwrap().cluster.server.as_deref(),
        Some("https://first.example")
    );

    let nothing = Kubeconfig::read_path_list(std::ffi::OsStr::new("")).unwrap();
    assert!(nothing.sources.is_empty());
}

#[test]
fn relative_paths_resolve_against_the_file_that_names_them() {
    let merged = Kubeconfig::read_merged(merge_files()).unwrap();
    let first_ca = merged
        .cluster("shared")
        .unwrap()
        .cluster
        .certificate_authority
        .clone()
        .unwrap();
    assert_eq!(first_ca, fixture("merge/../certs/ca.pem"));
    let second = &merged.user("second-user").unwrap().user;
    assert_eq!(
        second.token_file.as_deref(),
        Some(fixture("merge/nested/token.txt").as_path())
    );
    assert_eq!(
        second.client_certificate.as_deref(),
        Some(fixture("merge/nested/../../certs/client.pem").as_path())
    );

    // And the files are really read from there.
    let config = Config::from_kubeconfig(&merged, &KubeconfigOptions::default()).unwrap();
    assert_eq!(config.tls.root_certs.as_ref().map(Vec::len), Some(1));
    assert!(config.auth.client_certificate.is_some());
    assert_eq!(
        config.auth.token_file,
        Some(fixture("merge/nested/token.txt"))
    );
    assert_eq!(
        std::fs::read_to_string(config.auth.token_file.unwrap())
            .unwrap()
            .trim(),
        "nested-file-token"
    );
}

// ---------------------------------------------------------------- auth forms and cluster settings

#[test]
fn token_with_server_path_prefix_and_ca_file() {
    let config = config_for("token");
    assert_eq!(
        config.cluster_url.as_str(),
        "https://127.0.0.1:6443/api-prefix"
    );
    assert_eq!(config.cluster_url.path(), "/api-prefix");
    assert_eq!(config.default_namespace, "ns-token");
    assert_eq!(
        config.auth.token.as_ref().unwrap().expose(),
        "fixture-token"
    );
    let roots = config.tls.root_certs.as_ref().unwrap();
    assert_eq!(roots.len(), 1);
    assert!(!config.tls.insecure_skip_tls_verify);
    assert!(config.impersonate.is_none());
}

#[test]
fn token_file_with_ca_data() {
    let config = config_for("token-file");
    assert_eq!(
        config.auth.token_file,
        Some(fixture("tokens/service-token"))
    );
    assert!(config.auth.token.is_none());
    // The CA from -data and from the file are the same certificate.
    assert_eq!(config.tls.root_certs, config_for("token").tls.root_certs);
}

#[test]
fn basic_auth_with_insecure_skip_tls_verify() {
    let config = config_for("basic");
    let basic = config.auth.basic.as_ref().unwrap();
    assert_eq!(basic.username, "admin");
    assert_eq!(basic.password.expose(), "fixture-password");
    assert!(config.tls.insecure_skip_tls_verify);
    assert!(config.tls.root_certs.is_none());
    assert_eq!(config.cluster_url.port(), Some(8443));
}

#[test]
fn client_certificate_from_files_with_tls_server_name_and_proxy() {
    let config = config_for("cert-file");
    let cert = config.auth.client_certificate.as_ref().unwrap();
    assert_eq!(
        cert.cert_pem,
        std::fs::read(fixture("certs/client.pem")).unwrap()
    );
    assert_eq!(
        cert.key_pem.expose(),
        std::fs::read_to_string(fixture("certs/client-key.pem")).unwrap()
    );
    assert_eq!(
        config.tls.tls_server_name.as_deref(),
        Some("kubernetes.default")
    );
    assert_eq!(
        config.proxy_url.as_ref().map(|u| u.as_str()),
        Some("http://proxy.example:3128/")
    );
}

#[test]
fn client_certificate_from_data_matches_the_files() {
    let from_data = config_for("cert-data");
    let from_files = config_for("cert-file");
    let (data, files) = (
        from_data.auth.client_certificate.unwrap(),
        from_files.auth.client_certificate.unwrap(),
    );
    assert_eq!(data.cert_pem, files.cert_pem);
    assert_eq!(data.key_pem, files.key_pem);
}

#[test]
fn exec_v1_with_relative_command_env_and_cluster_info() {
    let config = config_for("exec-v1");
    let exec = config.auth.exec.as_ref().unwrap();
    assert_eq!(exec.api_version, "client.authentication.k8s.io/v1");
    assert_eq!(exec.command, fixture("./exec-plugin.sh"));
    assert!(exec.command.is_file());
    assert_eq!(exec.args, ["--cluster", "fixture"]);
    assert_eq!(exec.env.len(), 1);
    assert_eq!(exec.env[0].0, "EXEC_TEST_TOKEN");
    assert_eq!(exec.env[0].1.expose(), "fixture-exec-secret");
    assert!(exec.provide_cluster_info);
    assert_eq!(
        exec.install_hint.as_deref(),
        Some("the fixture plugin lives next to this file")
    );
    assert_eq!(exec.base_dir.as_deref(), Some(fixtures().as_path()));
}

#[test]
fn exec_v1beta1_and_a_command_on_the_path() {
    let exec = config_for("exec-v1beta1").auth.exec.unwrap();
    assert_eq!(exec.api_version, "client.authentication.k8s.io/v1beta1");
    assert!(!exec.provide_cluster_info);
    // Without a separator the command is looked up on PATH, not resolved.
    let exec = config_for("exec-on-path").auth.exec.unwrap();
    assert_eq!(exec.command, PathBuf::from("kubelogin"));
}

#[test]
fn impersonation_fields() {
    let config = config_for("impersonating");
    let impersonate = config.impersonate.unwrap();
    assert_eq!(impersonate.user.as_deref(), Some("jane"));
    assert_eq!(impersonate.uid.as_deref(), Some("uid-1234"));
    assert_eq!(impersonate.groups, ["developers", "auditors"]);
    assert_eq!(impersonate.extra["scopes"], ["view", "edit"]);
    assert_eq!(impersonate.extra["example.com/team"], ["platform"]);
}

#[test]
fn a_context_without_user_has_no_credentials() {
    let config = config_for("no-user");
    assert!(
        config.auth.token.is_none() && config.auth.basic.is_none() && config.auth.exec.is_none()
    );
    assert!(config.auth.client_certificate.is_none() && config.auth.token_file.is_none());
}

#[test]
fn overrides_replace_the_contexts_cluster_user_and_namespace() {
    let kubeconfig = auth_forms();
    let options = KubeconfigOptions {
        context: Some("token".into()),
        cluster: Some("insecure".into()),
        user: Some("basic".into()),
        namespace: Some("override-ns".into()),
    };
    let config = Config::from_kubeconfig(&kubeconfig, &options).unwrap();
    assert_eq!(config.cluster_url.host_str(), Some("insecure.example"));
    assert!(config.auth.basic.is_some());
    assert!(config.auth.token.is_none());
    assert_eq!(config.default_namespace, "override-ns");

    // Without a context override the current context is used.
    let config = Config::from_kubeconfig(&kubeconfig, &KubeconfigOptions::default()).unwrap();
    assert_eq!(config.default_namespace, "ns-token");

    let err = Config::from_kubeconfig(
        &kubeconfig,
        &KubeconfigOptions {
            user: Some("nobody".into()),
            ..KubeconfigOptions::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(err, ConfigError::UnknownUser { ref name, ref referrer } if name == "nobody" && referrer == "override")
    );
    let err = Config::from_kubeconfig(
        &kubeconfig,
        &KubeconfigOptions {
            cluster: Some("nowhere".into()),
            ..KubeconfigOptions::default()
        },
    )
    .unwrap_err();
    assert!(matches!(err, ConfigError::UnknownCluster { ref name, .. } if name == "nowhere"));
}

#[test]
fn from_kubeconfig_file_uses_the_current_context() {
    let config = Config::from_kubeconfig_file(fixture("auth-forms.yaml")).unwrap();
    assert_eq!(config.auth.token.unwrap().expose(), "fixture-token");
}

// ---------------------------------------------------------------- broken kubeconfigs

fn broken(name: &str) -> ConfigError {
    Config::from_kubeconfig_file(fixture(&format!("broken/{name}"))).unwrap_err()
}

#[test]
fn bad_yaml_names_the_file_and_location() {
    let err = broken("bad-yaml.yaml");
    let ConfigError::Yaml { path, location, .. } = &err else {
        panic!("expected a YAML error, got {err:?}");
    };
    assert_eq!(
        path.as_deref(),
        Some(fixture("broken/bad-yaml.yaml").as_path())
    );
    assert!(location.is_some());
    assert!(err.to_string().contains("bad-yaml.yaml"), "{err}");
}

#[test]
fn bad_base64_names_the_field_and_the_user() {
    let err = broken("bad-base64.yaml");
    let ConfigError::Base64 { entry, field } = &err else {
        panic!("expected a base64 error, got {err:?}");
    };
    assert_eq!(*field, "client-certificate-data");
    assert_eq!(entry.kind, EntryKind::User);
    assert_eq!(entry.name, "u");
    assert_eq!(
        entry.origin.as_deref(),
        Some(fixture("broken/bad-base64.yaml").as_path())
    );
    let message = err.to_string();
    assert!(
        message.contains("client-certificate-data") && message.contains("bad-base64.yaml"),
        "{message}"
    );
}

#[test]
fn bad_pem_is_a_pem_error() {
    let err = broken("bad-pem.yaml");
    assert!(matches!(err, ConfigError::Pem { .. }), "{err:?}");
    assert!(err.to_string().contains("certificate-authority"), "{err}");
}

#[test]
fn missing_and_unknown_contexts() {
    assert!(matches!(
        broken("no-current-context.yaml"),
        ConfigError::MissingCurrentContext { .. }
    ));
    let err = broken("unknown-context.yaml");
    assert!(
        matches!(err, ConfigError::UnknownContext { ref name, .. } if name == "ghost"),
        "{err:?}"
    );
    assert!(err.to_string().contains("unknown-context.yaml"), "{err}");

    let kubeconfig = Kubeconfig::read_from(fixture("broken/unknown-context.yaml")).unwrap();
    let err = Config::from_kubeconfig(&kubeconfig, &context("a")).unwrap_err();
    assert!(
        matches!(err, ConfigError::UnknownUser { ref name, .. } if name == "nobody"),
        "{err:?}"
    );
}

#[test]
fn an_unreadable_file_names_its_path() {
    // A directory cannot be read as a file, even by root.
    let err = Config::from_kubeconfig_file(fixture("broken")).unwrap_err();
    assert!(
        matches!(err, ConfigError::ReadFile { ref path, .. } if path == &fixture("broken")),
        "{err:?}"
    );

    let err = broken("missing-ca-file.yaml");
    let ConfigError::ReadFile { path, what, .. } = &err else {
        panic!("expected a read error, got {err:?}");
    };
    assert_eq!(path, &fixture("broken/does-not-exist.pem"));
    assert!(what.contains("certificate-authority"), "{what}");

    // A file that is not UTF-8 is a YAML error, not a panic.
    let dir = tempfile::tempdir().unwrap();
    let binary = dir.path().join("binary");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x80]).unwrap();
    assert!(matches!(
        Kubeconfig::read_from(&binary),
        Err(ConfigError::Yaml { .. })
    ));
}

#[test]
fn other_broken_entries() {
    let err = broken("cert-without-key.yaml");
    assert!(matches!(err, ConfigError::InvalidEntry { .. }), "{err:?}");
    assert!(err.to_string().contains("without client-key"), "{err}");
    let err = broken("bad-server.yaml");
    assert!(
        matches!(
            err,
            ConfigError::Url {
                field: "server",
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn read_merged_stops_at_a_broken_file_but_skips_missing_ones() {
    let err = Kubeconfig::read_merged([
        fixture("merge/missing.yaml"),
        fixture("broken/bad-yaml.yaml"),
    ])
    .unwrap_err();
    assert!(matches!(err, ConfigError::Yaml { .. }));
}

#[test]
fn inline_edge_cases_give_typed_errors() {
    let cases = [
        (
            "current-context: a\ncontexts: [{name: a, context: {cluster: a}}]\nclusters: [{name: a, cluster: {}}]",
            "no server",
        ),
        (
            "current-context: a\ncontexts: [{name: a, context: {cluster: a}}]\nclusters: [{name: a, cluster: {server: 'https://a', insecure-skip-tls-verify: true, certificate-authority-data: aGk=}}]",
            "insecure-skip-tls-verify",
        ),
        (
            "current-context: a\ncontexts: [{name: a, context: {cluster: a, user: u}}]\nclusters: [{name: a, cluster: {server: 'https://a'}}]\nusers: [{name: u, user: {exec: {command: x, apiVersion: client.authentication.k8s.io/v1alpha1}}}]",
            "unsupported apiVersion",
        ),
        (
            "current-context: a\ncontexts: [{name: a, context: {cluster: a, user: u}}]\nclusters: [{name: a, cluster: {server: 'https://a'}}]\nusers: [{name: u, user: {exec: {command: x, apiVersion: client.authentication.k8s.io/v1}}}]",
            "interactiveMode is required",
        ),
        (
            "current-context: a\ncontexts: [{name: a, context: {cluster: a, user: u}}]\nclusters: [{name: a, cluster: {server: 'https://a'}}]\nusers: [{name: u, user: {exec: {command: x, apiVersion: client.authentication.k8s.io/v1, interactiveMode: Always}}}]",
            "needs a terminal",
        ),
        (
            "current-context: a\ncontexts: [{name: a, context: {cluster: a, user: u}}]\nclusters: [{name: a, cluster: {server: 'https://a'}}]\nusers: [{name: u, user: {auth-provider: {name: gcp}}}]",
            "not supported",
        ),
    ];
    for (yaml, expected) in cases {
        let kubeconfig = Kubeconfig::from_yaml(yaml).unwrap();
        let err = Config::from_kubeconfig(&kubeconfig, &KubeconfigOptions::default()).unwrap_err();
        assert!(err.to_string().contains(expected), "{yaml}: {err}");
    }
}

// ---------------------------------------------------------------- secrets stay secret

const SECRETS: [&str; 4] = [
    "fixture-token",
    "fixture-password",
    "fixture-exec-secret",
    "PRIVATE KEY",
];

fn assert_no_secret(text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{secret:?} leaked into: {text}");
    }
    let key_body = std::fs::read_to_string(fixture("certs/client-key.pem")).unwrap();
    let key_line = key_body.lines().nth(1).unwrap();
    assert!(
        !text.contains(key_line),
        "private key material leaked into: {text}"
    );
    let key_data_line = &base64_of_fixture_key()[..40];
    assert!(
        !text.contains(key_data_line),
        "client-key-data leaked into: {text}"
    );
}

fn base64_of_fixture_key() -> String {
    let yaml = std::fs::read_to_string(fixture("auth-forms.yaml")).unwrap();
    let line = yaml
        .lines()
        .find(|l| l.trim_start().starts_with("client-key-data:"))
        .unwrap();
    line.split(':').nth(1).unwrap().trim().to_owned()
}

#[test]
fn debug_never_shows_a_secret() {
    let kubeconfig = auth_forms();
    assert_no_secret(&format!("{kubeconfig:?}"));
    assert_no_secret(&format!("{:?}", user(&kubeconfig, "cert-data")));
    for name in [
        "token",
        "token-file",
        "basic",
        "cert-file",
        "cert-data",
        "exec-v1",
        "exec-v1beta1",
        "impersonating",
    ] {
        let config = config_for(name);
        assert_no_secret(&format!("{config:?}"));
        assert_no_secret(&format!("{:?}", config.auth));
        if let Some(exec) = &config.auth.exec {
            assert_no_secret(&format!("{exec:?}"));
        }
    }
    // The values are really there, only hidden.
    assert_eq!(
        config_for("basic").auth.basic.unwrap().password.expose(),
        "fixture-password"
    );
}

#[test]
fn errors_never_show_a_secret() {
    let errors = [
        broken("secret-in-wrong-type.yaml"),
        broken("bad-server.yaml"),
        broken("bad-base64.yaml"),
        Kubeconfig::from_yaml("users: [{name: u, user: {token: [fixture-token]}}]").unwrap_err(),
        Kubeconfig::from_yaml("users: [{name: u, user: {password: {fixture-password: 1}}}]")
            .unwrap_err(),
        Kubeconfig::from_yaml(
            "users: [{name: u, user: {exec: {env: [{name: x, value: [fixture-exec-secret]}]}}}]",
        )
        .unwrap_err(),
    ];
    for err in errors {
        let text = format!("{err} / {err:?}");
        assert_no_secret(&text);
        assert!(!text.contains("leaky"), "{text}");
        assert!(!text.contains("c2VjcmV0LWtleS1tYXRlcmlhbA"), "{text}");
    }
}
