//! Golden query encodings, written by hand from client-go's parameter codec.

use crate::{
    ApplyOptions, CreateOptions, DeleteOptions, FieldValidation, GetOptions, ListOptions,
    PatchOptions, Preconditions, PropagationPolicy, QueryParams, ResourceVersionMatch,
    UpdateOptions,
};

fn q(opts: &impl QueryParams) -> String {
    opts.to_query_string()
}

#[test]
fn empty_options_encode_to_nothing() {
    assert_eq!(q(&CreateOptions::default()), "");
    assert_eq!(q(&UpdateOptions::default()), "");
    assert_eq!(q(&PatchOptions::default()), "");
    assert_eq!(q(&GetOptions::default()), "");
    assert_eq!(q(&ListOptions::default()), "");
}

#[test]
fn golden_table_of_every_field() {
    let s = |v: &str| Some(v.to_owned());
    let cases: Vec<(&str, String, &str)> = vec![
        // CreateOptions
        (
            "create dryRun",
            q(&CreateOptions {
                dry_run: true,
                ..Default::default()
            }),
            "dryRun=All",
        ),
        (
            "create fieldManager",
            q(&CreateOptions {
                field_manager: s("kubectl-edit"),
                ..Default::default()
            }),
            "fieldManager=kubectl-edit",
        ),
        (
            "create empty fieldManager",
            q(&CreateOptions {
                field_manager: s(""),
                ..Default::default()
            }),
            "",
        ),
        (
            "create fieldValidation Ignore",
            q(&CreateOptions {
                field_validation: Some(FieldValidation::Ignore),
                ..Default::default()
            }),
            "fieldValidation=Ignore",
        ),
        (
            "create fieldValidation Warn",
            q(&CreateOptions {
                field_validation: Some(FieldValidation::Warn),
                ..Default::default()
            }),
            "fieldValidation=Warn",
        ),
        (
            "create fieldValidation Strict",
            q(&CreateOptions {
                field_validation: Some(FieldValidation::Strict),
                ..Default::default()
            }),
            "fieldValidation=Strict",
        ),
        (
            "create all",
            q(&CreateOptions {
                dry_run: true,
                field_manager: s("m"),
                field_validation: Some(FieldValidation::Strict),
            }),
            "dryRun=All&fieldManager=m&fieldValidation=Strict",
        ),
        // UpdateOptions
        (
            "update dryRun",
            q(&UpdateOptions {
                dry_run: true,
                ..Default::default()
            }),
            "dryRun=All",
        ),
        (
            "update fieldManager",
            q(&UpdateOptions {
                field_manager: s("ctrl"),
                ..Default::default()
            }),
            "fieldManager=ctrl",
        ),
        (
            "update fieldValidation",
            q(&UpdateOptions {
                field_validation: Some(FieldValidation::Warn),
                ..Default::default()
            }),
            "fieldValidation=Warn",
        ),
        // PatchOptions
        (
            "patch dryRun",
            q(&PatchOptions {
                dry_run: true,
                ..Default::default()
            }),
            "dryRun=All",
        ),
        (
            "patch force true",
            q(&PatchOptions {
                force: Some(true),
                ..Default::default()
            }),
            "force=true",
        ),
        (
            "patch force false (pointer)",
            q(&PatchOptions {
                force: Some(false),
                ..Default::default()
            }),
            "force=false",
        ),
        (
            "patch fieldManager",
            q(&PatchOptions {
                field_manager: s("a b"),
                ..Default::default()
            }),
            "fieldManager=a+b",
        ),
        (
            "patch fieldValidation",
            q(&PatchOptions {
                field_validation: Some(FieldValidation::Ignore),
                ..Default::default()
            }),
            "fieldValidation=Ignore",
        ),
        (
            "patch all",
            q(&PatchOptions {
                dry_run: true,
                force: Some(true),
                field_manager: s("m"),
                field_validation: Some(FieldValidation::Strict),
            }),
            "dryRun=All&fieldManager=m&fieldValidation=Strict&force=true",
        ),
        // ApplyOptions (client-go's ToPatchOptions: force always sent)
        (
            "apply",
            q(&ApplyOptions::new("mgr")),
            "fieldManager=mgr&force=false",
        ),
        (
            "apply force",
            q(&ApplyOptions::new("mgr").force()),
            "fieldManager=mgr&force=true",
        ),
        (
            "apply dryRun",
            q(&ApplyOptions::new("mgr").dry_run()),
            "dryRun=All&fieldManager=mgr&force=false",
        ),
        // GetOptions
        (
            "get resourceVersion",
            q(&GetOptions {
                resource_version: s("0"),
            }),
            "resourceVersion=0",
        ),
        (
            "get empty resourceVersion",
            q(&GetOptions {
                resource_version: s(""),
            }),
            "",
        ),
        // ListOptions
        (
            "list labelSelector",
            q(&ListOptions {
                label_selector: s("app=web,tier!=db"),
                ..Default::default()
            }),
            "labelSelector=app%3Dweb%2Ctier%21%3Ddb",
        ),
        (
            "list labelSelector set",
            q(&ListOptions {
                label_selector: s("env in (a, b),!x"),
                ..Default::default()
            }),
            "labelSelector=env+in+%28a%2C+b%29%2C%21x",
        ),
        (
            "list fieldSelector",
            q(&ListOptions {
                field_selector: s("metadata.name=foo"),
                ..Default::default()
            }),
            "fieldSelector=metadata.name%3Dfoo",
        ),
        (
            "list allowWatchBookmarks",
            q(&ListOptions {
                allow_watch_bookmarks: true,
                ..Default::default()
            }),
            "allowWatchBookmarks=true",
        ),
        (
            "list resourceVersion",
            q(&ListOptions {
                resource_version: s("12345"),
                ..Default::default()
            }),
            "resourceVersion=12345",
        ),
        (
            "list resourceVersionMatch NotOlderThan",
            q(&ListOptions {
                resource_version_match: Some(ResourceVersionMatch::NotOlderThan),
                ..Default::default()
            }),
            "resourceVersionMatch=NotOlderThan",
        ),
        (
            "list resourceVersionMatch Exact",
            q(&ListOptions {
                resource_version_match: Some(ResourceVersionMatch::Exact),
                ..Default::default()
            }),
            "resourceVersionMatch=Exact",
        ),
        (
            "list timeoutSeconds",
            q(&ListOptions {
                timeout_seconds: Some(290),
                ..Default::default()
            }),
            "timeoutSeconds=290",
        ),
        (
            "list timeoutSeconds zero (pointer)",
            q(&ListOptions {
                timeout_seconds: Some(0),
                ..Default::default()
            }),
            "timeoutSeconds=0",
        ),
        (
            "list limit",
            q(&ListOptions {
                limit: Some(500),
                ..Default::default()
            }),
            "limit=500",
        ),
        (
            "list limit zero",
            q(&ListOptions {
                limit: Some(0),
                ..Default::default()
            }),
            "",
        ),
        (
            "list continue",
            q(&ListOptions {
                continue_: s("eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTJ9"),
                ..Default::default()
            }),
            "continue=eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTJ9",
        ),
        (
            "list continue padded",
            q(&ListOptions {
                continue_: s("abc+/="),
                ..Default::default()
            }),
            "continue=abc%2B%2F%3D",
        ),
        (
            "list sendInitialEvents true",
            q(&ListOptions {
                send_initial_events: Some(true),
                ..Default::default()
            }),
            "sendInitialEvents=true",
        ),
        (
            "list sendInitialEvents false (pointer)",
            q(&ListOptions {
                send_initial_events: Some(false),
                ..Default::default()
            }),
            "sendInitialEvents=false",
        ),
        (
            "list all, keys sorted",
            q(&ListOptions {
                label_selector: s("a=b"),
                field_selector: s("c=d"),
                allow_watch_bookmarks: true,
                resource_version: s("7"),
                resource_version_match: Some(ResourceVersionMatch::NotOlderThan),
                timeout_seconds: Some(30),
                limit: Some(5),
                continue_: s("tok"),
                send_initial_events: Some(true),
            }),
            "allowWatchBookmarks=true&continue=tok&fieldSelector=c%3Dd&labelSelector=a%3Db&limit=5&resourceVersion=7&resourceVersionMatch=NotOlderThan&sendInitialEvents=true&timeoutSeconds=30",
        ),
        // Go's QueryEscape: unreserved kept, `~` kept, `*` escaped, UTF-8 bytes escaped.
        (
            "escaping",
            q(&GetOptions {
                resource_version: s("~*é"),
            }),
            "resourceVersion=~%2A%C3%A9",
        ),
    ];
    let mut failures = Vec::new();
    for (name, got, want) in &cases {
        if got != want {
            failures.push(format!("{name}: got {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn raw_pairs_are_unescaped_and_dry_run_is_one_entry() {
    let pairs = PatchOptions::default()
        .dry_run()
        .field_manager("a=b")
        .query_pairs();
    assert_eq!(
        pairs,
        vec![
            ("dryRun", "All".to_owned()),
            ("fieldManager", "a=b".to_owned())
        ]
    );
}

#[test]
fn apply_options_match_their_patch_options() {
    let apply = ApplyOptions::new("m").force().dry_run();
    assert_eq!(q(&apply), q(&apply.to_patch_options()));
}

#[test]
fn builders_set_fields() {
    let opts = ListOptions::default()
        .labels("a")
        .fields("b")
        .limit(3)
        .continue_token("c")
        .resource_version("4")
        .version_match(ResourceVersionMatch::Exact)
        .timeout(5)
        .bookmarks()
        .initial_events(true);
    assert_eq!(
        q(&opts),
        "allowWatchBookmarks=true&continue=c&fieldSelector=b&labelSelector=a&limit=3&resourceVersion=4&resourceVersionMatch=Exact&sendInitialEvents=true&timeoutSeconds=5"
    );
}

#[test]
fn golden_delete_option_bodies() {
    let cases: Vec<(&str, DeleteOptions, &str)> = vec![
        (
            "empty",
            DeleteOptions::default(),
            r#"{"kind":"DeleteOptions","apiVersion":"v1"}"#,
        ),
        (
            "gracePeriodSeconds",
            DeleteOptions::default().grace_period(0),
            r#"{"kind":"DeleteOptions","apiVersion":"v1","gracePeriodSeconds":0}"#,
        ),
        (
            "preconditions",
            DeleteOptions::default()
                .precondition_uid("u-1")
                .precondition_resource_version("42"),
            r#"{"kind":"DeleteOptions","apiVersion":"v1","preconditions":{"uid":"u-1","resourceVersion":"42"}}"#,
        ),
        (
            "empty preconditions",
            DeleteOptions {
                preconditions: Some(Preconditions::default()),
                ..Default::default()
            },
            r#"{"kind":"DeleteOptions","apiVersion":"v1","preconditions":{}}"#,
        ),
        (
            "orphanDependents",
            DeleteOptions {
                orphan_dependents: Some(false),
                ..Default::default()
            },
            r#"{"kind":"DeleteOptions","apiVersion":"v1","orphanDependents":false}"#,
        ),
        (
            "propagation Orphan",
            DeleteOptions::default().propagation(PropagationPolicy::Orphan),
            r#"{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Orphan"}"#,
        ),
        (
            "propagation Background",
            DeleteOptions::default().propagation(PropagationPolicy::Background),
            r#"{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background"}"#,
        ),
        (
            "propagation Foreground",
            DeleteOptions::default().propagation(PropagationPolicy::Foreground),
            r#"{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Foreground"}"#,
        ),
        (
            "dryRun",
            DeleteOptions::default().dry_run(),
            r#"{"kind":"DeleteOptions","apiVersion":"v1","dryRun":["All"]}"#,
        ),
        (
            "ignoreStoreReadError",
            DeleteOptions {
                ignore_store_read_error_with_cluster_breaking_potential: Some(true),
                ..Default::default()
            },
            r#"{"kind":"DeleteOptions","apiVersion":"v1","ignoreStoreReadErrorWithClusterBreakingPotential":true}"#,
        ),
    ];
    for (name, opts, want) in cases {
        let got = serde_json::to_string(&opts).unwrap();
        assert_eq!(got, want, "{name}");
        let back: DeleteOptions = serde_json::from_str(&got).unwrap();
        assert_eq!(back, opts, "{name} round trip");
    }
}
