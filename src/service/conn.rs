//! Guards on client connections, below TLS and HTTP/2: at most `max_connections`
//! open at once (more are closed as they arrive), and a new connection must send its
//! first [`HANDSHAKE_BYTES`] within `handshake_timeout` (the HTTP/2 preface is 24
//! bytes, a TLS ClientHello more), so half-open connections (a few bytes, then
//! silence) cannot pile up. Idle connections past the handshake are HTTP/2's to
//! police (keep-alive pings).

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Sleep;
use tonic::transport::server::Connected;

/// Bytes a new connection must send before the handshake timeout: the HTTP/2
/// client preface.
pub(crate) const HANDSHAKE_BYTES: usize = 24;

/// A connection holding one of the server's connection slots until it closes.
pub(crate) struct Guarded<S> {
    inner: S,
    _slot: OwnedSemaphorePermit,
    /// Until the first bytes arrived: when the connection is given up.
    deadline: Option<Pin<Box<Sleep>>>,
    seen: usize,
}

/// The connection slots of one server.
#[derive(Clone)]
pub(crate) struct Slots {
    slots: Arc<Semaphore>,
    max: usize,
    handshake_timeout: Duration,
}

impl Slots {
    pub fn new(max: usize, handshake_timeout: Duration) -> Slots {
        let max = max.clamp(1, Semaphore::MAX_PERMITS);
        Slots {
            slots: Arc::new(Semaphore::new(max)),
            max,
            handshake_timeout,
        }
    }

    /// `stream` with a slot, or `None` (the stream is dropped, so closed) when every
    /// slot is taken.
    pub fn admit<S>(&self, stream: S) -> Option<Guarded<S>> {
        match Arc::clone(&self.slots).try_acquire_owned() {
            Ok(slot) => Some(Guarded {
                inner: stream,
                _slot: slot,
                deadline: Some(Box::pin(tokio::time::sleep(self.handshake_timeout))),
                seen: 0,
            }),
            Err(_) => {
                tracing::warn!(
                    max_connections = self.max,
                    "connection refused: every connection slot is taken"
                );
                None
            }
        }
    }
}

impl<S: Connected> Connected for Guarded<S> {
    type ConnectInfo = S::ConnectInfo;

    fn connect_info(&self) -> Self::ConnectInfo {
        self.inner.connect_info()
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Guarded<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        // Polled first, so a read that waits is woken by the timeout too.
        if let Some(d) = this.deadline.as_mut() {
            if d.as_mut().poll(cx).is_ready() {
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "no handshake within the handshake timeout",
                )));
            }
        }
        let before = buf.filled().len();
        let read = Pin::new(&mut this.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = read {
            this.seen += buf.filled().len() - before;
            if this.seen >= HANDSHAKE_BYTES {
                this.deadline = None;
            }
        }
        read
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Guarded<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn a_silent_connection_times_out_and_a_talking_one_does_not() {
        let slots = Slots::new(4, Duration::from_millis(50));
        let (mut client, server) = tokio::io::duplex(64);
        let mut g = slots.admit(server).expect("a free slot");
        client.write_all(&[0u8; 8]).await.unwrap();
        let mut buf = [0u8; 64];
        assert_eq!(g.read(&mut buf).await.unwrap(), 8);
        let e = g.read(&mut buf).await.unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::TimedOut);

        let (mut client, server) = tokio::io::duplex(64);
        let mut g = slots.admit(server).expect("a free slot");
        client.write_all(&[1u8; HANDSHAKE_BYTES]).await.unwrap();
        assert_eq!(g.read(&mut buf).await.unwrap(), HANDSHAKE_BYTES);
        // Past the handshake, silence is not an error.
        let quiet = tokio::time::timeout(Duration::from_millis(150), g.read(&mut buf)).await;
        assert!(quiet.is_err(), "the read still waits");
    }

    #[tokio::test]
    async fn slots_are_bounded_and_come_back() {
        let slots = Slots::new(2, Duration::from_secs(10));
        let a = slots.admit(tokio::io::duplex(8).0);
        let b = slots.admit(tokio::io::duplex(8).0);
        assert!(a.is_some() && b.is_some());
        assert!(slots.admit(tokio::io::duplex(8).0).is_none());
        drop(a);
        assert!(slots.admit(tokio::io::duplex(8).0).is_some());
    }
}
