//! Decoding hand-built bodies: every special type, inlining, omitempty
//! against pointers, and malformed input.

use serde_json::{Value, json};

use super::message::{Decoder, MAX_DEPTH, VALUES_BASE, VALUES_PER_BYTE};
use super::schema::Schema;
use super::{ProtoError, Reason, decode, decode_kind};

fn varint(mut v: u64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return out;
        }
        out.push(b | 0x80);
    }
}

/// Field `n` as a varint.
fn vi(n: u64, v: u64) -> Vec<u8> {
    [varint(n << 3), varint(v)].concat()
}

/// Field `n` as length-delimited bytes.
fn ld(n: u64, b: &[u8]) -> Vec<u8> {
    [varint((n << 3) | 2), varint(b.len() as u64), b.to_vec()].concat()
}

/// Field `n` as a fixed64.
fn f64_field(n: u64, v: f64) -> Vec<u8> {
    [varint((n << 3) | 1), v.to_bits().to_le_bytes().to_vec()].concat()
}

fn cat(parts: &[Vec<u8>]) -> Vec<u8> {
    parts.concat()
}

fn envelope(api_version: &str, kind: &str, raw: &[u8]) -> Vec<u8> {
    let tm = cat(&[ld(1, api_version.as_bytes()), ld(2, kind.as_bytes())]);
    [b"k8s\0".to_vec(), ld(1, &tm), ld(2, raw)].concat()
}

fn entry(k: &str, v: &[u8]) -> Vec<u8> {
    cat(&[ld(1, k.as_bytes()), ld(2, v)])
}

/// Decodes `buf` as the message named `name` (short names are meta/v1's).
fn message(name: &str, buf: &[u8]) -> Result<Value, super::DecodeError> {
    let schema = Schema::builtin();
    let full = if name.contains('.') {
        name.to_string()
    } else {
        format!("k8s.io.apimachinery.pkg.apis.meta.v1.{name}")
    };
    Decoder::new(schema, buf.len()).message(schema.by_name(&full).unwrap(), buf, 0)
}

#[test]
fn deployment_keeps_pointer_zeros_and_drops_plain_ones() {
    let container = cat(&[
        ld(1, b"web"),
        ld(2, b"nginx:1.25"),
        // ports: containerPort 80
        ld(6, &vi(3, 80)),
        // resources.limits: cpu 500m
        ld(8, &ld(1, &entry("cpu", &ld(1, b"500m")))),
    ]);
    let template = cat(&[
        ld(1, &ld(11, &entry("app", b"web"))),
        ld(2, &ld(2, &container)),
    ]);
    let strategy = cat(&[
        ld(1, b"RollingUpdate"),
        // rollingUpdate: maxUnavailable 0 (int), maxSurge "25%" (string)
        ld(
            2,
            &cat(&[
                ld(1, &cat(&[vi(1, 0), vi(2, 0)])),
                ld(2, &cat(&[vi(1, 1), ld(3, b"25%")])),
            ]),
        ),
    ]);
    let spec = cat(&[
        vi(1, 0), // replicas: 0, a pointer: kept
        ld(2, &ld(1, &entry("app", b"web"))),
        ld(3, &template),
        ld(4, &strategy),
        vi(5, 0), // minReadySeconds: 0, plain omitempty: dropped
        vi(7, 0), // paused: false: dropped
    ]);
    let meta = cat(&[ld(1, b"web"), ld(2, b""), ld(3, b"default")]);
    let body = envelope("apps/v1", "Deployment", &cat(&[ld(1, &meta), ld(2, &spec)]));
    let v = decode(&body).unwrap();
    assert_eq!(
        v,
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {
                "replicas": 0,
                "selector": {"matchLabels": {"app": "web"}},
                "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": "25%"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{
                        "name": "web", "image": "nginx:1.25",
                        "ports": [{"containerPort": 80}],
                        "resources": {"limits": {"cpu": "500m"}}
                    }]}
                }
            }
        })
    );
}

#[test]
fn inlined_structs_join_their_parent() {
    // Probe { handler (inline) { exec { command: [cat, /tmp/ok] } }, periodSeconds: 5 }
    let probe = cat(&[
        ld(1, &ld(1, &cat(&[ld(1, b"cat"), ld(1, b"/tmp/ok")]))),
        vi(4, 5),
    ]);
    let v = message("k8s.io.api.core.v1.Probe", &probe).unwrap();
    assert_eq!(
        v,
        json!({"exec": {"command": ["cat", "/tmp/ok"]}, "periodSeconds": 5})
    );
}

#[test]
fn secret_bytes_are_base64_and_config_map_entries_a_map() {
    let secret = cat(&[
        ld(1, &ld(1, b"s")),
        ld(2, &entry("x", b"y")),
        ld(3, b"Opaque"),
    ]);
    let v = decode(&envelope("v1", "Secret", &secret)).unwrap();
    assert_eq!(v["data"], json!({"x": "eQ=="}));
    assert_eq!(v["type"], "Opaque");
    let cm = cat(&[
        ld(1, &ld(1, b"c")),
        ld(2, &entry("a", b"1")),
        ld(2, &entry("b", b"")),
        vi(4, 1),
    ]);
    let v = decode(&envelope("v1", "ConfigMap", &cm)).unwrap();
    assert_eq!(v["data"], json!({"a": "1", "b": ""}));
    assert_eq!(v["immutable"], true);
}

#[test]
fn quantity_and_int_or_string() {
    let q = "k8s.io.apimachinery.pkg.api.resource.Quantity";
    assert_eq!(message(q, &ld(1, b"1Gi")).unwrap(), json!("1Gi"));
    assert_eq!(message(q, &[]).unwrap(), json!("0"));
    let i = "k8s.io.apimachinery.pkg.util.intstr.IntOrString";
    assert_eq!(
        message(i, &cat(&[vi(1, 0), vi(2, 8080)])).unwrap(),
        json!(8080)
    );
    // A negative int32 is a ten-byte varint.
    assert_eq!(
        message(i, &cat(&[vi(1, 0), vi(2, (-3i64) as u64)])).unwrap(),
        json!(-3)
    );
    assert_eq!(
        message(i, &cat(&[vi(1, 1), ld(3, b"http")])).unwrap(),
        json!("http")
    );
    let bad = message(i, &vi(1, 7)).unwrap_err();
    assert_eq!(
        bad.reason,
        Reason::Invalid("impossible IntOrString.Type 7".into())
    );
}

#[test]
fn times_and_durations() {
    assert_eq!(
        message("Time", &cat(&[vi(1, 1_700_000_000), vi(2, 5)])).unwrap(),
        json!("2023-11-14T22:13:20Z")
    );
    assert_eq!(message("Time", &[]).unwrap(), Value::Null);
    assert_eq!(
        message("Time", &vi(1, (-62_135_596_800i64) as u64)).unwrap(),
        Value::Null
    );
    assert_eq!(
        message(
            "MicroTime",
            &cat(&[vi(1, 1_700_000_000), vi(2, 123_456_789)])
        )
        .unwrap(),
        json!("2023-11-14T22:13:20.123456Z")
    );
    assert!(message("MicroTime", &cat(&[vi(1, 0), vi(2, 2_000_000_000)])).is_err());
    assert!(message("Time", &vi(1, i64::MAX as u64)).is_err());
    assert_eq!(
        message("Duration", &vi(1, 90_000_000_000)).unwrap(),
        json!("1m30s")
    );
    assert_eq!(message("Duration", &[]).unwrap(), json!("0s"));
}

#[test]
fn raw_extensions_fields_v1_and_json() {
    let raw = "k8s.io.apimachinery.pkg.runtime.RawExtension";
    assert_eq!(
        message(raw, &ld(1, br#"{"a":[1,2]}"#)).unwrap(),
        json!({"a": [1, 2]})
    );
    assert_eq!(message(raw, &[]).unwrap(), Value::Null);
    assert!(message(raw, &ld(1, b"not json")).is_err());
    // An enveloped protobuf object inside.
    let inner = envelope(
        "v1",
        "ConfigMap",
        &cat(&[ld(1, &ld(1, b"c")), ld(2, &entry("k", b"v"))]),
    );
    assert_eq!(
        message(raw, &ld(1, &inner)).unwrap(),
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"k": "v"}})
    );
    assert_eq!(
        message("FieldsV1", &ld(1, br#"{"f:data":{}}"#)).unwrap(),
        json!({"f:data": {}})
    );
    let j = "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSON";
    assert_eq!(message(j, &ld(1, b"\"x\"")).unwrap(), json!("x"));
}

#[test]
fn slice_types_are_arrays() {
    // SubjectAccessReviewSpec.extra: map<string, ExtraValue>.
    let spec = cat(&[
        ld(3, b"alice"),
        ld(5, &entry("scopes", &cat(&[ld(1, b"a"), ld(1, b"b")]))),
    ]);
    let v = message("k8s.io.api.authorization.v1.SubjectAccessReviewSpec", &spec).unwrap();
    assert_eq!(v, json!({"user": "alice", "extra": {"scopes": ["a", "b"]}}));
}

#[test]
fn crd_schemas_use_go_json_names_and_custom_forms() {
    let string_schema = ld(5, b"string");
    let props = cat(&[
        ld(5, b"object"),
        ld(3, b"#/x"),                                          // $ref
        ld(29, &entry("name", &string_schema)),                 // properties
        ld(30, &vi(1, 1)),                                      // additionalProperties: true
        ld(24, &ld(1, &string_schema)),                         // items: a schema
        vi(38, 1),          // x-kubernetes-preserve-unknown-fields
        f64_field(11, 1.5), // minimum
        ld(32, &entry("a", &cat(&[ld(2, b"b"), ld(2, b"c")]))), // dependencies
        ld(8, &ld(1, b"{\"k\":1}")), // default
    ]);
    let v = message(
        "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps",
        &props,
    )
    .unwrap();
    assert_eq!(
        v,
        json!({
            "type": "object", "$ref": "#/x",
            "properties": {"name": {"type": "string"}},
            "additionalProperties": true,
            "items": {"type": "string"},
            "x-kubernetes-preserve-unknown-fields": true,
            "minimum": 1.5,
            "dependencies": {"a": ["b", "c"]},
            "default": {"k": 1}
        })
    );
}

#[test]
fn self_subject_access_review_and_the_envelope_kind() {
    let attrs = cat(&[
        ld(1, b"default"),
        ld(2, b"create"),
        ld(3, b"apps"),
        ld(5, b"deployments"),
    ]);
    let body = envelope(
        "authorization.k8s.io/v1",
        "SelfSubjectAccessReview",
        &ld(2, &ld(1, &attrs)),
    );
    let v = decode(&body).unwrap();
    assert_eq!(
        v["spec"]["resourceAttributes"],
        json!({"namespace": "default", "verb": "create", "group": "apps", "resource": "deployments"})
    );
    assert_eq!(v["kind"], "SelfSubjectAccessReview");
    assert_eq!(v["apiVersion"], "authorization.k8s.io/v1");
}

#[test]
fn malformed_bodies_are_typed_errors() {
    assert_eq!(decode(b"{}"), Err(ProtoError::NoEnvelope));
    assert!(matches!(
        decode(&envelope("v1", "Pod2", &[])),
        Err(ProtoError::Unsupported { .. })
    ));
    assert!(matches!(
        decode(&envelope("example.com/v1", "Widget", &[])),
        Err(ProtoError::Unsupported { api_version, kind }) if api_version == "example.com/v1" && kind == "Widget"
    ));
    let err = |raw: &[u8]| match decode(&envelope("v1", "ConfigMap", raw)) {
        Err(ProtoError::Decode { error, .. }) => (error.path(), error.reason),
        other => panic!("{other:?}"),
    };
    // Truncated inside metadata.name.
    let meta = ld(1, b"name");
    let cut = ld(1, &meta[..meta.len() - 1]);
    assert_eq!(
        err(&cut),
        (
            "metadata".into(),
            Reason::Length {
                len: 4,
                available: 3
            }
        )
    );
    assert_eq!(
        err(&[0x0a, 0x01, 0x0a]),
        ("metadata".into(), Reason::Truncated)
    );
    // A varint that never ends.
    assert_eq!(
        err(&[
            0x20, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
        ])
        .1,
        Reason::VarintOverflow
    );
    // immutable (a bool) sent as bytes; metadata.name as a varint.
    assert_eq!(
        err(&ld(4, b"x")),
        ("immutable".into(), Reason::WrongWireType(2))
    );
    assert_eq!(
        err(&ld(1, &vi(1, 3))),
        ("metadata.name".into(), Reason::WrongWireType(0))
    );
    // A length of 2^63.
    let mut huge = vec![0x0a];
    huge.extend(varint(1 << 63));
    assert!(matches!(err(&huge).1, Reason::Length { .. }));
    // The message text names the kind and the field.
    let e = decode(&envelope("v1", "ConfigMap", &ld(4, b"x"))).unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"ConfigMap in version "v1" cannot be handled as a ConfigMap: immutable: wrong wire type 2 for this field"#
    );
    // Errors deep in a list carry the index.
    let pod = ld(2, &cat(&[ld(2, &ld(1, b"a")), ld(2, &vi(2, 1))]));
    let e = decode(&envelope("v1", "Pod", &pod)).unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"Pod in version "v1" cannot be handled as a Pod: spec.containers[1].image: wrong wire type 0 for this field"#
    );
    // A broken envelope, and none at all.
    let e = decode(b"k8s\0\x0a\x05ab").unwrap_err();
    assert_eq!(
        e.to_string(),
        "the body of the request could not be decoded as protobuf: envelope: length 5 exceeds the 2 bytes left"
    );
    assert!(
        decode(b"{}")
            .unwrap_err()
            .to_string()
            .ends_with("expected prefix [107 56 115 0]")
    );
}

#[test]
fn empty_list_items_cannot_blow_up() {
    // APIResourceList.resources: each 2-byte empty item decodes into an
    // object with five of Go's zero fields.
    let item = ld(2, &[]);
    let list = "k8s.io.apimachinery.pkg.apis.meta.v1.APIResourceList";
    let few = item.repeat(10);
    let v = message(list, &few).unwrap();
    assert_eq!(
        v["resources"][0],
        json!({"name": "", "singularName": "", "namespaced": false, "kind": "", "verbs": null})
    );
    let many = item.repeat(50_000);
    assert_eq!(message(list, &many).unwrap_err().reason, Reason::TooLarge);
}

#[test]
fn deep_nesting_stops_at_the_bound() {
    // JSONSchemaProps.not, nested far past the bound.
    let mut props = ld(5, b"string");
    for _ in 0..(MAX_DEPTH + 20) {
        props = ld(28, &props);
    }
    let crd_schema = "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps";
    assert_eq!(
        message(crd_schema, &props).unwrap_err().reason,
        Reason::TooDeep(MAX_DEPTH)
    );
    // Raw extensions holding envelopes count toward the same bound.
    let mut raw = envelope("v1", "ConfigMap", &[]);
    for _ in 0..(MAX_DEPTH + 5) {
        raw = envelope("apps/v1", "ControllerRevision", &ld(2, &ld(1, &raw)));
    }
    assert!(decode(&raw).is_err());
}

#[test]
fn every_kind_decodes_empty_and_survives_noise() {
    let count = Schema::builtin().kind_count();
    assert!(count > 300, "{count}");
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for n in 0..count {
        // An empty message is every field unset: Go's zero object.
        let v = decode_kind(n, &[]).unwrap_or_else(|e| panic!("kind {n}: {e}"));
        assert!(v.is_object(), "kind {n}: {v}");
        for len in [1usize, 7, 40] {
            let raw: Vec<u8> = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    state as u8
                })
                .collect();
            let _ = decode_kind(n, &raw);
        }
    }
}

#[test]
fn arbitrary_bytes_never_panic() {
    // A deterministic xorshift stream of bodies, some with a valid frame.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let kinds = [
        ("v1", "Pod"),
        ("apps/v1", "Deployment"),
        ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
    ];
    for i in 0..3000 {
        let len = (next() % 64) as usize;
        let raw: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        let (av, k) = kinds[i % kinds.len()];
        let _ = decode(&envelope(av, k, &raw));
        let _ = decode(&[b"k8s\0".as_slice(), &raw].concat());
    }
}

/// The bodies kubectl sent for the commands in
/// `tests/fixtures/protobuf/README.md`, each next to the JSON it decodes to
/// (reviewed by hand). `BLESS_PROTOBUF_FIXTURES=1` rewrites the JSON.
#[test]
fn kubectl_bodies_decode_to_their_json() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/protobuf");
    let bless = std::env::var_os("BLESS_PROTOBUF_FIXTURES").is_some();
    let mut bodies: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pb"))
        .collect();
    bodies.sort();
    assert!(bodies.len() >= 20, "{}", bodies.len());
    for pb in bodies {
        let bytes = std::fs::read(&pb).unwrap();
        let got = decode(&bytes).unwrap_or_else(|e| panic!("{}: {e}", pb.display()));
        // Well within the value budget: under half of it.
        let d = Decoder::new(Schema::builtin(), bytes.len());
        super::envelope::decode_with(&d, &bytes, 0).unwrap();
        let used = bytes.len() * VALUES_PER_BYTE + VALUES_BASE - d.budget_left();
        assert!(
            used * 2 <= bytes.len() * VALUES_PER_BYTE,
            "{}: {used} values from {} bytes",
            pb.display(),
            bytes.len()
        );
        let expected = pb.with_extension("json");
        if bless {
            std::fs::write(
                &expected,
                serde_json::to_string_pretty(&got).unwrap() + "\n",
            )
            .unwrap();
            continue;
        }
        let want: Value =
            serde_json::from_str(&std::fs::read_to_string(&expected).unwrap()).unwrap();
        assert_eq!(got, want, "{}", pb.display());
    }
}

#[test]
fn the_other_forms_of_schema_wrappers_and_the_rest() {
    let apiext = "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.";
    let string_schema = ld(5, b"string");
    let int_schema = ld(5, b"integer");
    // JSONSchemaPropsOrArray: an array of schemas, or nothing.
    let or_array = format!("{apiext}JSONSchemaPropsOrArray");
    assert_eq!(
        message(
            &or_array,
            &cat(&[ld(2, &string_schema), ld(2, &int_schema)])
        )
        .unwrap(),
        json!([{"type": "string"}, {"type": "integer"}])
    );
    assert_eq!(message(&or_array, &[]).unwrap(), Value::Null);
    // JSONSchemaPropsOrBool: false, or a schema (which wins over the bool).
    let or_bool = format!("{apiext}JSONSchemaPropsOrBool");
    assert_eq!(message(&or_bool, &[]).unwrap(), json!(false));
    assert_eq!(
        message(&or_bool, &cat(&[vi(1, 1), ld(2, &string_schema)])).unwrap(),
        json!({"type": "string"})
    );
    // JSONSchemaPropsOrStringArray: a schema when there are no strings.
    let or_strings = format!("{apiext}JSONSchemaPropsOrStringArray");
    assert_eq!(
        message(&or_strings, &ld(1, &string_schema)).unwrap(),
        json!({"type": "string"})
    );
    assert_eq!(message(&or_strings, &[]).unwrap(), Value::Null);
    // runtime.Unknown: its raw bytes; metav1.Timestamp: an object.
    let unknown = "k8s.io.apimachinery.pkg.runtime.Unknown";
    assert_eq!(message(unknown, &ld(2, b"[1]")).unwrap(), json!([1]));
    assert_eq!(
        message("Timestamp", &cat(&[vi(1, 5), vi(2, 0)])).unwrap(),
        json!({"seconds": 5})
    );
    // A NaN double has no JSON form.
    let props = format!("{apiext}JSONSchemaProps");
    assert_eq!(
        message(&props, &f64_field(9, f64::NAN)).unwrap_err().path(),
        "maximum"
    );
}
