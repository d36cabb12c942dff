//! A Vigiles-compatible LLAPI server for end-to-end tests.
//!
//! It checks request signatures exactly as the service does (independently of the client's
//! signing code), keeps uploads and other state in memory (optionally persisted to a state
//! directory), answers the endpoint catalogue with plausible data, and injects faults from a
//! script. See `README.md` for the binary, the script format and the state-dir layout.
//!
//! ```no_run
//! use llapi_test_server::{ServerConfig, Step, TestServer};
//! let server = TestServer::start(ServerConfig::with_credential("user@example.com", "secret")).unwrap();
//! server.set_script(vec![Step::status(503).times(2)]);
//! println!("{}", server.url());
//! ```

mod config;
mod convert;
mod faults;
mod http;
mod persist;
mod record;
mod routes;
mod scan;
mod server;
mod store;
mod urlencoded;
pub mod verify;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use llapi::{Error, Result};

pub use config::{Credential, ServerConfig};
pub use faults::{load_script, parse_script, Step};
pub use record::RecordedRequest;
pub use store::StoredManifest;

use server::{lock, Shared};

/// A running server on 127.0.0.1; stops when dropped.
#[derive(Debug)]
pub struct TestServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Binds 127.0.0.1 (`config.port`, 0 = any free port) and serves on background threads.
    pub fn start(config: ServerConfig) -> Result<TestServer> {
        let listener = TcpListener::bind(("127.0.0.1", config.port))
            .map_err(|e| Error::io(format!("cannot bind 127.0.0.1:{}", config.port), e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| Error::io("cannot read the bound address", e))?;
        let persist = match &config.state_dir {
            Some(dir) => Some(persist::Persist::open(dir)?),
            None => None,
        };
        let shared = Arc::new(Shared {
            keys: config.key_map(),
            vulnerable: config.vulnerable_packages.clone(),
            script: Mutex::new(faults::Script::new(config.script.clone())),
            store: Mutex::new(store::Store::new()),
            log: Mutex::new(Vec::new()),
            persist,
            connections: Mutex::new(Default::default()),
            next_connection: AtomicU64::new(0),
            stopping: AtomicBool::new(false),
        });
        let accept_shared = shared.clone();
        let accept = std::thread::Builder::new()
            .name("llapi-accept".into())
            .spawn(move || server::accept_loop(listener, accept_shared))
            .map_err(|e| Error::io("cannot start the accept thread", e))?;
        Ok(TestServer {
            addr,
            shared,
            accept: Some(accept),
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far, in completion order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.log).clone()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        lock(&self.shared.log).clear();
    }

    /// The manifests currently stored, in upload order.
    pub fn manifests(&self) -> Vec<StoredManifest> {
        lock(&self.shared.store).manifests.clone()
    }

    /// Replaces the fault script.
    pub fn set_script(&self, steps: Vec<Step>) {
        *lock(&self.shared.script) = faults::Script::new(steps);
    }

    /// Appends a step to the fault script.
    pub fn push_step(&self, step: Step) {
        lock(&self.shared.script).push(step);
    }

    /// The script steps not used up yet.
    pub fn remaining_script(&self) -> Vec<Step> {
        lock(&self.shared.script).remaining()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr); // wakes the accept loop
        if let Some(handle) = self.accept.take() {
            let _ = handle.join();
        }
        server::close_all(&self.shared);
    }
}
