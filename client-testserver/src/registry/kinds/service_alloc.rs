//! The allocators a Service create draws from: a cluster IP in the service
//! CIDR (kubeadm's default, 10.96.0.0/12; the first address is the
//! `kubernetes` Service's) and node ports in 30000-32767, each unique among
//! the stored Services, picked at random as kube-apiserver's bitmap
//! allocators do.

use std::collections::HashSet;
use std::net::Ipv4Addr;

use serde_json::Value;

use crate::registry::Backend;
use crate::registry::backend::parse;
use crate::registry::kinds::value::items;

/// The service CIDR's network address.
const BASE: u32 = u32::from_be_bytes([10, 96, 0, 0]);
/// The CIDR's prefix length.
const PREFIX: u32 = 12;
/// The node port range, inclusive.
pub(crate) const NODE_PORTS: std::ops::RangeInclusive<i64> = 30000..=32767;

/// The service CIDR in its text form.
pub(crate) const SERVICE_CIDR: &str = "10.96.0.0/12";

/// Whether `ip` is an address of the service CIDR (network and broadcast
/// addresses excluded).
pub(crate) fn in_range(ip: &str) -> bool {
    let Ok(a) = ip.parse::<Ipv4Addr>() else {
        return false;
    };
    let n = u32::from(a);
    let size = 1u32 << (32 - PREFIX);
    n > BASE && n < BASE + size - 1
}

/// The cluster IPs and node ports the stored Services hold.
#[derive(Debug, Default)]
pub(crate) struct Taken {
    /// Cluster IPs in use.
    pub ips: HashSet<String>,
    /// Node ports in use.
    pub ports: HashSet<i64>,
}

impl Taken {
    /// Reads every stored Service.
    pub(crate) fn of(backend: &Backend) -> Taken {
        let mut t = Taken::default();
        let Ok((page, _)) = backend
            .store
            .page("services", None, None, None, None, |_| true)
        else {
            return t;
        };
        for (_, raw) in page.items {
            let svc = parse(&raw);
            for ip in items(&svc, "/spec/clusterIPs") {
                if let Some(ip) = ip.as_str() {
                    t.ips.insert(ip.to_string());
                }
            }
            for p in items(&svc, "/spec/ports") {
                if let Some(n) = p.get("nodePort").and_then(Value::as_i64) {
                    t.ports.insert(n);
                }
            }
        }
        t
    }

    /// A free cluster IP, recorded as taken. The first address (`.1`) is
    /// left to the `kubernetes` Service.
    pub(crate) fn next_ip(&mut self) -> Option<String> {
        let size = 1u32 << (32 - PREFIX);
        for _ in 0..4096 {
            let off = fastrand::u32(2..size - 1);
            let ip = Ipv4Addr::from(BASE + off).to_string();
            if self.ips.insert(ip.clone()) {
                return Some(ip);
            }
        }
        None
    }

    /// A free node port, recorded as taken.
    pub(crate) fn next_port(&mut self) -> Option<i64> {
        let start = fastrand::i64(NODE_PORTS);
        let span = NODE_PORTS.end() - NODE_PORTS.start() + 1;
        (0..span)
            .map(|i| NODE_PORTS.start() + (start - NODE_PORTS.start() + i) % span)
            .find(|p| self.ports.insert(*p))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn ips_are_in_range_and_unique() {
        let mut t = Taken::default();
        let mut seen = HashSet::new();
        for _ in 0..500 {
            let ip = t.next_ip().unwrap();
            assert!(in_range(&ip), "{ip}");
            assert_ne!(ip, "10.96.0.1");
            assert!(seen.insert(ip));
        }
        assert!(!in_range("10.112.0.1"));
        assert!(!in_range("10.96.0.0"));
        assert!(in_range("10.111.255.254"));
    }

    #[test]
    fn node_ports_run_out_cleanly() {
        let mut t = Taken::default();
        let n = (NODE_PORTS.end() - NODE_PORTS.start() + 1) as usize;
        let ports: HashSet<i64> = (0..n).map(|_| t.next_port().unwrap()).collect();
        assert_eq!(ports.len(), n);
        assert!(ports.iter().all(|p| NODE_PORTS.contains(p)));
        assert_eq!(t.next_port(), None);
    }
}
