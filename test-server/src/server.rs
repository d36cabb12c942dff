//! The accept loop and per-connection request handling (thread per connection, HTTP/1.1
//! keep-alive): faults first, then the signature check, then the endpoint.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufReader, BufWriter};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use crate::faults::{Script, Step};
use crate::http::{self, ReadError, Request, Response};
use crate::persist::Persist;
use crate::record::RecordedRequest;
use crate::routes::{self, Ctx};
use crate::scan::{self, Scan};
use crate::store::Store;
use crate::verify::{self, Pairs, Text, Verdict};

/// Locks a mutex, ignoring poisoning (a panicking handler must not take the server down).
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

/// State shared by the accept loop, the connections and the [`crate::TestServer`] handle.
#[derive(Debug)]
pub struct Shared {
    pub(crate) keys: BTreeMap<String, Vec<u8>>,
    pub(crate) vulnerable: Vec<String>,
    pub(crate) script: Mutex<Script>,
    pub(crate) store: Mutex<Store>,
    pub(crate) log: Mutex<Vec<RecordedRequest>>,
    pub(crate) persist: Option<Persist>,
    pub(crate) connections: Mutex<HashMap<u64, TcpStream>>,
    pub(crate) next_connection: AtomicU64,
    pub(crate) stopping: AtomicBool,
}

enum Outcome {
    Respond(Response),
    Reset,
    Close,
}

/// Accepts connections until `stopping` is set, one thread each.
pub fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else {
            std::thread::sleep(Duration::from_millis(10));
            continue;
        };
        let _ = stream.set_nodelay(true);
        let id = shared.next_connection.fetch_add(1, Ordering::SeqCst);
        if let Ok(clone) = stream.try_clone() {
            lock(&shared.connections).insert(id, clone);
        }
        let shared = shared.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("llapi-conn-{id}"))
            .spawn(move || {
                serve_connection(stream, &shared);
                lock(&shared.connections).remove(&id);
            });
        if spawned.is_err() {
            eprintln!("llapi-test-server: cannot spawn a connection thread");
        }
    }
}

/// Shuts down every open connection (used when the server stops).
pub fn close_all(shared: &Shared) {
    for stream in lock(&shared.connections).values() {
        let _ = stream.shutdown(Shutdown::Both);
    }
}

fn serve_connection(stream: TcpStream, shared: &Shared) {
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::with_capacity(256 * 1024, read_half);
    let mut writer = BufWriter::with_capacity(64 * 1024, &stream);
    loop {
        let request = match http::read_request(&mut reader, &mut writer) {
            Ok(Some(request)) => request,
            Ok(None) | Err(ReadError::Io) => return,
            Err(ReadError::Bad(status, message)) => {
                let _ =
                    http::write_response(&mut writer, &Response::error(status, &message), false);
                return;
            }
        };
        if shared.stopping.load(Ordering::SeqCst) {
            return;
        }
        let keep_alive = request.keep_alive;
        match process(shared, request) {
            Outcome::Respond(response) => {
                if http::write_response(&mut writer, &response, keep_alive).is_err() || !keep_alive
                {
                    return;
                }
            }
            Outcome::Close => return,
            Outcome::Reset => {
                // Linger 0: closing the last descriptor sends RST instead of FIN.
                let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
                return;
            }
        }
    }
}

fn fault_response(step: &Step) -> Response {
    let status = step.status.unwrap_or(200);
    let response = match &step.body {
        Some(body) => {
            let default = if body.trim_start().starts_with(['{', '[']) {
                "application/json"
            } else {
                "text/html"
            };
            Response::raw(
                status,
                step.content_type.as_deref().unwrap_or(default),
                body.clone().into_bytes(),
            )
        }
        None if status == 403 => Response::error(403, "Invalid credentials"),
        None => Response::error(status, http::reason(status)),
    };
    match step.retry_after {
        Some(seconds) => response.with_header("Retry-After", seconds.to_string()),
        None => response,
    }
}

fn record(shared: &Shared, request: RecordedRequest) {
    if let Some(persist) = &shared.persist {
        if let Err(e) = persist.log_request(&request) {
            eprintln!("llapi-test-server: cannot append to requests.jsonl: {e}");
        }
    }
    lock(&shared.log).push(request);
}

/// A scan of an upload's manifest started on its own thread, to run while the signature is
/// checked; its result is used only when the upload goes ahead (valid signature, no fault).
fn scan_ahead(
    shared: &Shared,
    method: &str,
    path: &str,
    pairs: &Pairs,
) -> Option<JoinHandle<(Text, Scan)>> {
    let manifest = routes::manifests::manifest_to_scan(method, path, pairs)?;
    let vulnerable = shared.vulnerable.clone();
    std::thread::Builder::new()
        .name("llapi-scan".into())
        .spawn(move || {
            let scan = scan::scan(&manifest, &vulnerable);
            (manifest, scan)
        })
        .ok()
}

fn process(shared: &Shared, request: Request) -> Outcome {
    let now = SystemTime::now();
    let signature = request.header("x-auth-signature").map(<[u8]>::to_vec);
    let Request {
        method,
        path,
        query,
        pairs,
        ..
    } = request;
    let ahead = scan_ahead(shared, &method, &path, &pairs);
    let verdict = verify::verify(&shared.keys, &method, &path, &pairs, signature.as_deref());
    let fault = lock(&shared.script).take(&method, &path);
    let mut entry = RecordedRequest {
        method,
        path,
        query,
        pairs,
        signature_ok: verdict == Verdict::Valid,
        status: None,
        fault: fault.as_ref().map(Step::describe),
        time: now,
    };
    if let Some(step) = &fault {
        if let Some(ms) = step.delay_ms {
            std::thread::sleep(Duration::from_millis(ms));
        }
        if step.reset || step.hang {
            record(shared, entry);
            return if step.reset {
                Outcome::Reset
            } else {
                Outcome::Close
            };
        }
        if step.status.is_some() || step.body.is_some() {
            let response = fault_response(step);
            entry.status = Some(response.status);
            record(shared, entry);
            return Outcome::Respond(response);
        }
    }
    let response = if verdict == Verdict::Valid {
        let scanned = ahead.and_then(|scan| scan.join().ok());
        let mut store = lock(&shared.store);
        let mut ctx = Ctx {
            method: &entry.method,
            pairs: &entry.pairs,
            store: &mut store,
            persist: shared.persist.as_ref(),
            vulnerable: &shared.vulnerable,
            now,
            scanned,
        };
        routes::route(&mut ctx, &entry.path)
    } else {
        Response::error(403, "Invalid credentials")
    };
    entry.status = Some(response.status);
    record(shared, entry);
    Outcome::Respond(response)
}
