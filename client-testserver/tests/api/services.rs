//! Services over HTTP: defaults, cluster IPs (in range, unique, kept on
//! update, immutable), node ports, port validation, DNS-1035 names, cells.

use std::collections::HashSet;

use serde_json::{Value, json};

use crate::workloads::{columns, table};
use crate::*;

const SVCS: &str = "/api/v1/namespaces/default/services";

fn service(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
           "spec": {"selector": {"app": name}, "ports": [{"port": 80}]}})
}

/// Whether `ip` is in 10.96.0.0/12.
fn in_cidr(ip: &str) -> bool {
    let o: Vec<u32> = ip.split('.').map(|p| p.parse().unwrap()).collect();
    o.len() == 4 && o[0] == 10 && (96..112).contains(&o[1])
}

#[tokio::test]
async fn services_get_defaults_and_a_cluster_ip() {
    within(async {
        let (_s, c) = server().await;
        let r = c.post(SVCS, &service("web")).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let s = r.json()["spec"].clone();
        assert_eq!(s["type"], "ClusterIP");
        assert_eq!(s["sessionAffinity"], "None");
        assert_eq!(s["internalTrafficPolicy"], "Cluster");
        assert_eq!(s["ipFamilies"], json!(["IPv4"]));
        assert_eq!(s["ipFamilyPolicy"], "SingleStack");
        assert_eq!(s["ports"][0], json!({"port": 80, "protocol": "TCP", "targetPort": 80}));
        let ip = s["clusterIP"].as_str().unwrap().to_string();
        assert!(in_cidr(&ip), "{ip}");
        assert_eq!(s["clusterIPs"], json!([ip]));
        assert!(s.get("externalTrafficPolicy").is_none());

        // Unique across services.
        let mut seen = HashSet::from([ip.clone()]);
        for i in 0..20 {
            let s = c.post(SVCS, &service(&format!("s{i}"))).await.json();
            let ip = s["spec"]["clusterIP"].as_str().unwrap().to_string();
            assert!(in_cidr(&ip) && seen.insert(ip.clone()), "{ip}");
        }
        // A PUT without the IP keeps it.
        let mut body = service("web");
        body["metadata"]["labels"] = json!({"v": "2"});
        let r = c.put(&format!("{SVCS}/web"), &body).await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.json()["spec"]["clusterIP"], ip.as_str());
        assert_eq!(r.json()["spec"]["clusterIPs"], json!([ip]));
        // Changing it is refused.
        body["spec"]["clusterIP"] = json!("10.96.0.77");
        let r = c.put(&format!("{SVCS}/web"), &body).await;
        assert_eq!(r.status, 422);
        assert_eq!(
            r.json()["message"],
            "Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.77\"}: may not change once set"
        );
        // Asking for a taken one.
        let mut dup = service("dup");
        dup["spec"]["clusterIP"] = json!(ip);
        let r = c.post(SVCS, &dup).await;
        assert_eq!(r.status, 422);
        assert_eq!(
            r.json()["message"],
            format!("Service \"dup\" is invalid: spec.clusterIPs: Invalid value: []string{{\"{ip}\"}}: failed to allocate IP {ip}: provided IP is already allocated")
        );
        // Headless.
        let mut h = service("headless");
        h["spec"]["clusterIP"] = json!("None");
        let s = c.post(SVCS, &h).await.json()["spec"].clone();
        assert_eq!(s["clusterIPs"], json!(["None"]));
        // Field selectors of services.
        let r = c.get(&format!("{SVCS}?fieldSelector=spec.clusterIP=None")).await;
        assert_eq!(r.status, 200, "{}", r.text());
        let items = r.json()["items"].as_array().unwrap().clone();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["metadata"]["name"], "headless");
        let r = c.get(&format!("{SVCS}?fieldSelector=spec.type=ClusterIP,spec.clusterIP!=None")).await;
        assert_eq!(r.json()["items"].as_array().unwrap().len(), 21);
    })
    .await;
}

#[tokio::test]
async fn node_ports_and_cells() {
    within(async {
        let (_s, c) = server().await;
        let mut np = service("np");
        np["spec"]["type"] = json!("NodePort");
        np["spec"]["ports"] = json!([{"name": "http", "port": 80, "targetPort": "http"}, {"name": "https", "port": 443}]);
        let r = c.post(SVCS, &np).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let s = r.json()["spec"].clone();
        let ports: Vec<i64> = s["ports"].as_array().unwrap().iter().map(|p| p["nodePort"].as_i64().unwrap()).collect();
        assert!(ports.iter().all(|p| (30000..=32767).contains(p)) && ports[0] != ports[1], "{ports:?}");
        assert_eq!(s["ports"][0]["targetPort"], "http");
        assert_eq!(s["externalTrafficPolicy"], "Cluster");
        // A PUT without node ports keeps them.
        let r = c.put(&format!("{SVCS}/np"), &np).await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.json()["spec"]["ports"][1]["nodePort"], ports[1]);

        let t = table(&c, SVCS).await;
        assert_eq!(columns(&t), ["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector"]);
        let cells = &t["rows"][0]["cells"];
        assert_eq!(cells[1], "NodePort");
        assert_eq!(cells[2], s["clusterIP"]);
        assert_eq!(cells[3], "<none>");
        assert_eq!(cells[4], format!("80:{}/TCP,443:{}/TCP", ports[0], ports[1]));
        assert_eq!(cells[6], "app=np");

        let mut lb = service("lb");
        lb["spec"]["type"] = json!("LoadBalancer");
        let s = c.post(SVCS, &lb).await.json()["spec"].clone();
        assert_eq!(s["allocateLoadBalancerNodePorts"], true);
        let t = table(&c, &format!("{SVCS}/lb")).await;
        assert_eq!(t["rows"][0]["cells"][3], "<pending>");
    })
    .await;
}

#[tokio::test]
async fn service_validation() {
    within(async {
        let (_s, c) = server().await;
        let r = c.post(SVCS, &service("1web")).await;
        assert_eq!(r.status, 422);
        assert_eq!(
            r.json()["message"],
            "Service \"1web\" is invalid: metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
        );
        let mut two = service("two");
        two["spec"]["ports"] = json!([{"port": 80}, {"port": 70000, "name": "b"}]);
        let r = c.post(SVCS, &two).await;
        assert_eq!(
            r.json()["message"],
            "Service \"two\" is invalid: [spec.ports[0].name: Required value, spec.ports[1].port: Invalid value: 70000: must be between 1 and 65535, inclusive, spec.ports[1].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive]"
        );
        let mut dup = service("dup");
        dup["spec"]["ports"] = json!([{"port": 80, "name": "a"}, {"port": 81, "name": "a"}]);
        let r = c.post(SVCS, &dup).await;
        assert_eq!(r.json()["message"], "Service \"dup\" is invalid: spec.ports[1].name: Duplicate value: \"a\"");
        assert_eq!(r.json()["details"]["causes"][0]["reason"], "FieldValueDuplicate");
        let mut cip = service("cip");
        cip["spec"]["ports"][0]["nodePort"] = json!(30001);
        let r = c.post(SVCS, &cip).await;
        assert_eq!(
            r.json()["message"],
            "Service \"cip\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"
        );
        let mut none = service("none");
        none["spec"].as_object_mut().unwrap().remove("ports");
        let r = c.post(SVCS, &none).await;
        assert_eq!(r.json()["message"], "Service \"none\" is invalid: spec.ports: Required value");
    })
    .await;
}
