// Typed custom subresource methods, types as strings or bare paths.
use client_core::{ObjectMeta, Resource};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
pub struct Log {
    pub lines: Vec<String>,
}

#[derive(Serialize, Deserialize)]
pub struct Binding {
    pub target: String,
}

#[derive(Resource, Serialize, Deserialize)]
#[resource(
    group = "jobs.example.com",
    version = "v1",
    method(name = "logs", verb = "get", subresource = "log", result = "Log"),
    method(name = "bind", verb = "create", subresource = "binding", input = Binding, result = Binding),
    method(name = "replace_binding", verb = "update", subresource = "binding", input = "Binding"),
    method(name = "patch_binding", verb = "patch", subresource = "binding", result = "Binding")
)]
pub struct Job {
    metadata: ObjectMeta,
}

fn main() {
    let _ = JobClient::logs;
    let _ = JobClient::bind;
    let _ = JobClient::replace_binding;
    let _ = JobClient::patch_binding::<serde_json::Value>;
}
