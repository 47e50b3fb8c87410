//! The fake gateway: one task per WebSocket connection speaking Discord's gateway protocol in
//! plain Text frames (serenity accepts them although IDENTIFY asks for compression).
//!
//! Per connection: HELLO on open; IDENTIFY -> READY then one GUILD_CREATE per configured guild;
//! heartbeat (op 1) -> ACK (op 11); RESUME (op 6) -> INVALID_SESSION (op 9, `false`), which
//! makes serenity IDENTIFY afresh. Sequence numbers count per connection from READY = 1.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};

use super::{SessionHandle, Shared};
use crate::fixtures;

pub(crate) enum SessionCmd {
    Dispatch {
        event_type: String,
        data: Value,
        done: oneshot::Sender<()>,
    },
    /// Drop the socket without a close frame; `done` fires once the session is unregistered.
    Close { done: oneshot::Sender<()> },
}

pub(crate) async fn upgrade(State(shared): State<Arc<Shared>>, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| run_session(shared, socket))
}

struct Session {
    shared: Arc<Shared>,
    id: u64,
    socket: WebSocket,
    seq: u64,
    ready: bool,
}

async fn run_session(shared: Arc<Shared>, socket: WebSocket) {
    let id = shared.next_session.fetch_add(1, Ordering::Relaxed);
    let (tx, mut rx) = mpsc::unbounded_channel();
    shared
        .lock()
        .sessions
        .insert(id, SessionHandle { tx, ready: false });
    let mut session = Session {
        shared,
        id,
        socket,
        seq: 0,
        ready: false,
    };
    let hello =
        json!({"op": 10, "d": {"heartbeat_interval": session.shared.config.heartbeat_interval_ms}});
    let mut close_done = None;
    if session.send(&hello).await {
        loop {
            tokio::select! {
                frame = session.socket.recv() => match frame {
                    Some(Ok(Message::Text(text))) => {
                        if !session.on_client_frame(text.as_str()).await {
                            break;
                        }
                    }
                    Some(Ok(Message::Close(frame))) => {
                        // serenity's shutdown waits (up to 5 s) for the close frame echoed back.
                        let echo = frame.map(|f| CloseFrame { code: f.code, reason: f.reason });
                        let _ = session.socket.send(Message::Close(echo)).await;
                        break;
                    }
                    Some(Ok(_)) => {}
                    Some(Err(_)) | None => break,
                },
                cmd = rx.recv() => match cmd {
                    Some(SessionCmd::Dispatch { event_type, data, done }) => {
                        let sent = !session.ready || session.dispatch(&event_type, data).await;
                        let _ = done.send(());
                        if !sent {
                            break;
                        }
                    }
                    Some(SessionCmd::Close { done }) => {
                        close_done = Some(done);
                        break;
                    }
                    None => break,
                },
            }
        }
    }
    let Session { shared, ready, .. } = session;
    let removed = shared.lock().sessions.remove(&id);
    if removed.is_some() && ready {
        shared
            .ready_sessions
            .send_modify(|n| *n = n.saturating_sub(1));
    }
    if let Some(done) = close_done {
        let _ = done.send(());
    }
}

impl Session {
    /// False when the socket is gone.
    async fn send(&mut self, frame: &Value) -> bool {
        self.socket
            .send(Message::Text(frame.to_string().into()))
            .await
            .is_ok()
    }

    async fn dispatch(&mut self, event_type: &str, data: Value) -> bool {
        self.seq += 1;
        let frame = json!({"op": 0, "s": self.seq, "t": event_type, "d": data});
        self.send(&frame).await
    }

    /// Returns false when the connection should end.
    async fn on_client_frame(&mut self, text: &str) -> bool {
        let Ok(frame) = serde_json::from_str::<Value>(text) else {
            // Discord closes with 4002 DECODE_ERROR; serenity never sends invalid JSON, so a
            // test that sees this close has found a real bug.
            let close = CloseFrame {
                code: 4002,
                reason: "Error while decoding payload.".into(),
            };
            let _ = self.socket.send(Message::Close(Some(close))).await;
            return false;
        };
        let op = frame["op"].as_u64();
        self.shared.lock().gateway_received.push(frame);
        match op {
            Some(1) => self.send(&json!({"op": 11})).await,
            Some(2) => self.identify().await,
            Some(6) => self.send(&json!({"op": 9, "d": false})).await,
            // Presence updates, voice state, guild member requests: nothing to answer.
            _ => true,
        }
    }

    async fn identify(&mut self) -> bool {
        self.seq = 0;
        let config = &self.shared.config;
        let guild_ids: Vec<u64> = config
            .guilds
            .iter()
            .filter_map(|g| g["id"].as_str().and_then(|id| id.parse().ok()))
            .collect();
        let mut ready = fixtures::ready(config.application_id, config.bot_user_id, &guild_ids);
        ready["user"]["username"] = json!(config.bot_username);
        ready["resume_gateway_url"] = json!(self.shared.ws_url);
        let guilds = config.guilds.clone();
        if !self.dispatch("READY", ready).await {
            return false;
        }
        for guild in guilds {
            if !self.dispatch("GUILD_CREATE", guild).await {
                return false;
            }
        }
        if !self.ready {
            self.ready = true;
            if let Some(handle) = self.shared.lock().sessions.get_mut(&self.id) {
                handle.ready = true;
            }
            self.shared.ready_sessions.send_modify(|n| *n += 1);
        }
        true
    }
}
