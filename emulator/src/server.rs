//! The emulator over HTTP/1.1: hyper on tokio, with bodies streamed both ways.
//!
//! The handler is blocking code (it reads the request body as a [`Read`] and the store does
//! file I/O), so each request runs on tokio's blocking pool: the request body reaches it through
//! a reader that waits for hyper's next chunk, and a [`ResponseBody::Reader`] goes back through
//! a small channel, one chunk at a time. Neither direction ever holds more than a few chunks, so
//! a 1 GiB PUT or GET needs no 1 GiB buffer (with the directory store; the memory store keeps
//! objects in memory by definition).
//!
//! The clock is the machine's ([`SystemTime::now`]), read once per request. Faults come from
//! the emulator's [`Faults`](crate::faults::Faults); a request whose body is cut by one is not
//! answered: its connection is dropped.

use std::future::Future;
use std::io::{self, Read};
use std::net::{SocketAddr, ToSocketAddrs};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http_body_util::BodyExt as _;
use hyper::body::{Bytes, Frame, Incoming, SizeHint};
use hyper::header::{HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Handle;
use tokio::sync::{mpsc, oneshot};

use crate::handler::Emulator;
use crate::http::{Request, Response, ResponseBody};

/// Bytes per chunk of a streamed response body.
const CHUNK: usize = 128 * 1024;
/// Chunks a response may have in flight between the store and the socket.
const CHUNKS_IN_FLIGHT: usize = 4;
/// What is read and thrown away of a request body the handler did not want (an upload
/// refused before its body was read) before answering. Clients that send the whole body before
/// reading the answer (most do, without `Expect: 100-continue`) then get the error document
/// instead of a broken pipe, and the connection can serve the next request. Past this, the
/// connection is closed after the answer.
const DRAIN_LIMIT: u64 = 64 << 20;
/// How long hyper is given to write out the chunks it took before a failing body's error
/// reaches it (see [`Body::stream`]).
const FLUSH_GRACE: Duration = Duration::from_millis(20);
/// How long a connection may take to send a request head (idle keep-alive connections
/// included).
const HEADER_TIMEOUT: Duration = Duration::from_secs(60);

/// Serves `emulator` on `listener` until the process ends.
pub async fn serve(emulator: Arc<Emulator>, listener: TcpListener) -> io::Result<()> {
    serve_until(emulator, listener, std::future::pending()).await
}

/// Serves `emulator` on `listener` until `shutdown` completes. Connections in progress are
/// left to the runtime (dropped with it).
pub async fn serve_until(
    emulator: Arc<Emulator>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => return Ok(()),
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(connection(emulator.clone(), stream));
                }
                // Out of file descriptors and the like: wait, do not spin or die.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
        }
    }
}

/// A server on its own thread and runtime, for tests and embedding: stopped when dropped.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    emulator: Arc<Emulator>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Binds `addr` (`127.0.0.1:0` picks a free port) and serves `emulator` there.
    pub fn start(emulator: Emulator, addr: impl ToSocketAddrs) -> io::Result<Server> {
        Server::start_shared(Arc::new(emulator), addr)
    }

    /// The same, for an emulator the caller keeps a handle on (to switch faults on and off,
    /// or look at the store).
    pub fn start_shared(emulator: Arc<Emulator>, addr: impl ToSocketAddrs) -> io::Result<Server> {
        let listener = std::net::TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        listener.set_nonblocking(true)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("oss-emulator")
            .enable_all()
            .build()?;
        let (shutdown, stop) = oneshot::channel::<()>();
        let served = emulator.clone();
        let thread = std::thread::Builder::new()
            .name("oss-emulator-accept".into())
            .spawn(move || {
                let result = runtime.block_on(async move {
                    let listener = TcpListener::from_std(listener)?;
                    serve_until(served, listener, async {
                        let _ = stop.await;
                    })
                    .await
                });
                if let Err(e) = result {
                    eprintln!("oss-emulator: server stopped: {e}");
                }
                // Handlers still running on the blocking pool end with their connections.
                runtime.shutdown_background();
            })?;
        Ok(Server {
            addr,
            emulator,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`: an endpoint for oss-core.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn emulator(&self) -> &Arc<Emulator> {
        &self.emulator
    }

    /// Stops accepting and drops the connections in progress.
    pub fn stop(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shut_down();
    }
}

async fn connection(emulator: Arc<Emulator>, stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let service = service_fn(move |request| answer(emulator.clone(), request));
    // Errors here are the peer's (gone, malformed request) or a dropped connection on purpose.
    let _ = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

/// One request: the handler runs on the blocking pool, the response streams back.
async fn answer(
    emulator: Arc<Emulator>,
    request: hyper::Request<Incoming>,
) -> Result<hyper::Response<Body>, io::Error> {
    let (parts, incoming) = request.into_parts();
    let head = parts.method == hyper::Method::HEAD;
    // After `Expect: 100-continue` an unread body was never sent: nothing to drain.
    let expects_continue = parts.headers.contains_key(hyper::header::EXPECT);
    let request = Request {
        method: parts.method.as_str().to_string(),
        target: parts
            .uri
            .path_and_query()
            .map_or("/", |pq| pq.as_str())
            .to_string(),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_string(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
    };
    let plan = emulator.plan(&request);
    if let Some(latency) = plan.latency {
        // A slow answer: this connection waits, nothing else does.
        tokio::time::sleep(latency).await;
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let runtime = Handle::current();
    let (response, cut) = tokio::task::spawn_blocking(move || {
        let mut body = BodyReader::new(incoming, runtime);
        let (response, cut) = emulator.answer_planned(&request, &mut body, now, &plan);
        if !cut && !expects_continue {
            let _ = io::copy(&mut (&mut body).take(DRAIN_LIMIT), &mut io::sink());
        }
        (response, cut)
    })
    .await
    .map_err(io::Error::other)?;
    if cut {
        return Err(io::Error::new(
            io::ErrorKind::ConnectionReset,
            "connection dropped by fault injection",
        ));
    }
    Ok(to_hyper(response, head))
}

fn to_hyper(response: Response, head: bool) -> hyper::Response<Body> {
    let status = hyper::StatusCode::from_u16(response.status)
        .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let mut out = hyper::Response::new(Body::Empty);
    *out.status_mut() = status;
    let headers = out.headers_mut();
    for (name, value) in &response.headers {
        // A HEAD answer's Content-Length describes the body it does not carry; any other's
        // comes from the body itself.
        let framing = name.eq_ignore_ascii_case("content-length") && !head
            || name.eq_ignore_ascii_case("transfer-encoding")
            || name.eq_ignore_ascii_case("connection");
        if framing {
            continue;
        }
        // A value HTTP cannot carry (a control character in user metadata) is left out
        // rather than fail the answer.
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_bytes(value.as_bytes()),
        ) {
            headers.append(name, value);
        }
    }
    let bodiless = head
        || status.is_informational()
        || status == hyper::StatusCode::NO_CONTENT
        || status == hyper::StatusCode::NOT_MODIFIED;
    if !bodiless {
        *out.body_mut() = match response.body {
            ResponseBody::Empty => Body::Empty,
            ResponseBody::Bytes(bytes) => Body::Full(Some(Bytes::from(bytes))),
            ResponseBody::Reader { reader, length } => Body::stream(reader, length),
        };
    }
    out
}

/// The request body as a blocking reader: each read waits for hyper's next chunk.
struct BodyReader {
    body: Incoming,
    chunk: Bytes,
    runtime: Handle,
    done: bool,
}

impl BodyReader {
    fn new(body: Incoming, runtime: Handle) -> BodyReader {
        BodyReader {
            body,
            chunk: Bytes::new(),
            runtime,
            done: false,
        }
    }
}

impl Read for BodyReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.chunk.is_empty() {
            if self.done || buf.is_empty() {
                return Ok(0);
            }
            match self.runtime.block_on(self.body.frame()) {
                None => self.done = true,
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        self.chunk = data;
                    }
                }
                // The client went away or broke the framing: the upload fails, nothing is kept.
                Some(Err(e)) => return Err(io::Error::new(io::ErrorKind::ConnectionAborted, e)),
            }
        }
        let n = buf.len().min(self.chunk.len());
        buf[..n].copy_from_slice(&self.chunk.split_to(n));
        Ok(n)
    }
}

/// A response body: nothing, bytes in memory, or chunks arriving from a blocking reader.
pub(crate) enum Body {
    Empty,
    Full(Option<Bytes>),
    Channel {
        chunks: mpsc::Receiver<io::Result<Bytes>>,
        left: u64,
    },
}

impl Body {
    /// Reads `reader` on the blocking pool, a chunk at a time, at the pace the socket takes
    /// them. A read error (or a reader shorter than `length`) ends the body early: hyper then
    /// closes the connection, and the client sees a short body.
    fn stream(mut reader: Box<dyn Read + Send>, length: u64) -> Body {
        let (sender, chunks) = mpsc::channel(CHUNKS_IN_FLIGHT);
        let runtime = Handle::current();
        tokio::task::spawn_blocking(move || {
            let mut left = length;
            while left > 0 {
                let mut chunk = vec![0u8; usize::try_from(left).map_or(CHUNK, |l| l.min(CHUNK))];
                let (filled, error) = fill(&mut reader, &mut chunk);
                left -= filled as u64;
                if filled > 0 {
                    chunk.truncate(filled);
                    if sender.blocking_send(Ok(Bytes::from(chunk))).is_err() {
                        return; // The client is gone.
                    }
                }
                if let Some(error) = error {
                    // hyper drops what it has not written yet when a body fails, and a body
                    // cannot end early without failing (Content-Length was sent). So that
                    // the client gets every byte read (a reset after N bytes delivers N),
                    // wait until hyper has taken every chunk sent (all of the channel's
                    // permits are free again), then give it FLUSH_GRACE to write them out:
                    // hyper tells a body nothing of its flushes, so there is no event to
                    // wait for. This thread is the body's, not the handler's.
                    let _ = runtime.block_on(sender.reserve_many(sender.max_capacity()));
                    std::thread::sleep(FLUSH_GRACE);
                    let _ = sender.blocking_send(Err(error));
                    return;
                }
            }
        });
        Body::Channel {
            chunks,
            left: length,
        }
    }
}

/// Reads until `chunk` is full; the count, and the error or early end that stopped it.
fn fill(reader: &mut dyn Read, chunk: &mut [u8]) -> (usize, Option<io::Error>) {
    let mut filled = 0;
    while filled < chunk.len() {
        match reader.read(&mut chunk[filled..]) {
            Ok(0) => {
                return (
                    filled,
                    Some(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the object ended before its length",
                    )),
                );
            }
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return (filled, Some(e)),
        }
    }
    (filled, None)
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        match self.get_mut() {
            Body::Empty => Poll::Ready(None),
            Body::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Body::Channel { chunks, left } => match chunks.poll_recv(cx) {
                Poll::Ready(Some(Ok(bytes))) => {
                    *left = left.saturating_sub(bytes.len() as u64);
                    Poll::Ready(Some(Ok(Frame::data(bytes))))
                }
                Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e))),
                Poll::Ready(None) => Poll::Ready(None),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            Body::Empty => true,
            Body::Full(bytes) => bytes.is_none(),
            Body::Channel { left, .. } => *left == 0,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Body::Empty => SizeHint::with_exact(0),
            Body::Full(bytes) => SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            Body::Channel { left, .. } => SizeHint::with_exact(*left),
        }
    }
}
