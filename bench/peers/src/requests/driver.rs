//! Runs one workload with one client and prints its figures as `RESULT`
//! lines: elapsed time, client CPU per operation, peak RSS.

use std::time::{Duration, Instant};

use super::args::{self, Args, CONCURRENCY, Flavor, PAGE, Workload};
use super::{RequestClient, client_error, object};
use crate::{BenchError, fixture, memory, report, usage};

/// The longest a workload may take before the run fails.
const DEADLINE: Duration = Duration::from_secs(240);

/// The whole of a client binary's `main`: parses the arguments, builds the
/// runtime they ask for, builds the client with `connect` inside it, warms
/// the connection with one GET, then runs and measures the workload.
pub fn run<C: RequestClient>(
    connect: impl FnOnce(&str) -> Result<C, BenchError>,
) -> Result<(), BenchError> {
    let args = args::parse(std::env::args().skip(1))?;
    let mut builder = match args.flavor {
        Flavor::CurrentThread => tokio::runtime::Builder::new_current_thread(),
        Flavor::MultiThread => tokio::runtime::Builder::new_multi_thread(),
    };
    let runtime = builder.enable_all().build()?;
    runtime.block_on(async {
        let client = connect(&args.server)?;
        get_checked(&client, 0).await?;
        let before = memory::read()?;
        let cpu_before = usage::cpu_time()?;
        let start = Instant::now();
        tokio::time::timeout(DEADLINE, workload(&client, &args))
            .await
            .map_err(|_| BenchError::Timeout(DEADLINE, "the workload"))??;
        let elapsed = start.elapsed();
        let cpu = usage::cpu_time()?.saturating_sub(cpu_before);
        let after = memory::read()?;
        report::result("elapsed_ms", elapsed.as_secs_f64() * 1e3);
        report::result("cpu_us_per_op", cpu.as_secs_f64() * 1e6 / args.ops as f64);
        report::result("hwm_mib", report::mib(after.hwm_kib));
        report::result("rss_before_mib", report::mib(before.rss_kib));
        Ok(())
    })
}

/// Runs `args.workload` once, checking every answer.
async fn workload<C: RequestClient>(client: &C, args: &Args) -> Result<(), BenchError> {
    match args.workload {
        Workload::Get => {
            for i in 0..args.ops {
                get_checked(client, i % args.objects as u64).await?;
            }
        }
        Workload::GetConcurrent => {
            let tasks: Vec<_> = (0..CONCURRENCY)
                .map(|task| {
                    let client = client.clone();
                    let (ops, objects) = (args.ops, args.objects as u64);
                    tokio::spawn(async move {
                        for i in (task..ops).step_by(CONCURRENCY as usize) {
                            get_checked(&client, i % objects).await?;
                        }
                        Ok::<(), BenchError>(())
                    })
                })
                .collect();
            for task in tasks {
                task.await.map_err(client_error)??;
            }
        }
        Workload::List => {
            for _ in 0..args.ops {
                let page = client.list(None, None).await?;
                expect_count("list", page.items.len(), args.objects)?;
                if page.continue_token.is_some() {
                    return Err(BenchError::Client(
                        "a full list had a continue token".into(),
                    ));
                }
            }
        }
        Workload::Pages => {
            for _ in 0..args.ops {
                let total = client.list_paged(PAGE).await?;
                expect_count("paged list", total, args.objects)?;
            }
        }
        Workload::Watch => {
            let events = client.watch(args.ops).await?;
            expect_count("watch", events as usize, args.ops as usize)?;
        }
        Workload::Post => {
            let obj = object::to_post()?;
            for _ in 0..args.ops {
                let created = client.create(&obj).await?;
                if created.metadata.name.as_deref() != Some(object::POSTED_NAME) {
                    return Err(BenchError::Client(format!(
                        "created {:?}",
                        created.metadata.name
                    )));
                }
            }
        }
    }
    Ok(())
}

/// GETs object number `i` and checks that it is the one asked for.
async fn get_checked<C: RequestClient>(client: &C, i: u64) -> Result<(), BenchError> {
    let name = fixture::object_name(i);
    let got = client.get(&name).await?;
    if got.metadata.name.as_deref() == Some(name.as_str()) {
        Ok(())
    } else {
        Err(BenchError::Client(format!(
            "asked for {name}, got {:?}",
            got.metadata.name
        )))
    }
}

/// Fails unless `got` objects (or events) are the `want` expected.
fn expect_count(what: &str, got: usize, want: usize) -> Result<(), BenchError> {
    if got == want {
        Ok(())
    } else {
        Err(BenchError::Client(format!(
            "{what}: {got} objects, not {want}"
        )))
    }
}
