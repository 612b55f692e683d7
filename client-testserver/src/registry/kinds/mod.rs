//! The strategies of the built-in kinds beyond the few in `builtins`:
//! what a workload kind (Pod, Deployment, Service, Job, ...) does that its
//! discovery row cannot say — defaulting, create-time fields, validation,
//! printer cells, field selectors, deletion rules — one file per kind,
//! each naming the Kubernetes 1.33 sources it follows.
//!
//! `builtins` builds every row from the vendored discovery data, then hands
//! it to [`customize`], which sets the hooks and columns of the kinds that
//! have a strategy here and leaves the others as the data made them.
//! Shared pieces: `pod_template` (PodSpec defaults and validation),
//! `workload` (selectors and templates of the controllers' kinds),
//! `field_errors` (kube's field error wording), `printing` (Table cells),
//! `service_alloc` (cluster IPs and node ports), `value` (JSON helpers).

mod cronjob;
mod daemonset;
mod deployment;
mod endpoints;
mod event;
pub(crate) mod field_errors;
mod hpa;
mod ingress;
mod job;
mod node;
mod pdb;
mod pod;
mod pod_template;
mod printing;
mod pvc;
mod rbac;
mod replicaset;
mod replicationcontroller;
mod service;
mod service_alloc;
mod serviceaccount;
mod statefulset;
mod value;
mod workload;

use crate::registry::kind::ResourceKind;

/// Sets what differs for `row` beyond its discovery data: hooks, field
/// selectors, printer columns, update rules. Rows of kinds without a
/// strategy here are left unchanged.
pub(crate) fn customize(row: &mut ResourceKind) {
    match (row.group.as_str(), row.kind.as_str()) {
        ("", "Pod") => pod::customize(row),
        ("", "Service") => service::customize(row),
        ("", "ServiceAccount") => serviceaccount::customize(row),
        ("", "PersistentVolumeClaim") => pvc::customize(row),
        ("", "ReplicationController") => replicationcontroller::customize(row),
        ("", "Node") => node::customize(row),
        ("" | "events.k8s.io", "Event") => event::customize(row),
        ("", "Endpoints") => endpoints::customize(row, false),
        ("discovery.k8s.io", "EndpointSlice") => endpoints::customize(row, true),
        ("apps", "Deployment") => deployment::customize(row),
        ("apps", "ReplicaSet") => replicaset::customize(row),
        ("apps", "StatefulSet") => statefulset::customize(row),
        ("apps", "DaemonSet") => daemonset::customize(row),
        ("batch", "Job") => job::customize(row),
        ("batch", "CronJob") => cronjob::customize(row),
        ("networking.k8s.io", "Ingress") => ingress::customize(row),
        ("policy", "PodDisruptionBudget") => pdb::customize(row),
        ("autoscaling", "HorizontalPodAutoscaler") => hpa::customize(row),
        ("rbac.authorization.k8s.io", "Role" | "ClusterRole") => rbac::customize(row, false),
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => {
            rbac::customize(row, true);
        }
        _ => {}
    }
}
