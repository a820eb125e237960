//! One change to a Durable Object's storage as one commit: its puts, deletes and alarm issued together, so a crash
//! leaves the object before or after the change, never half-way. Every store whose change spans several keys (a
//! verification with its SID index and clean-up schedule; an Entity's Factor with its Challenges) writes through it.

use serde::Serialize;
use worker::Result;

/// Writes to make as one commit ([`commit`]).
#[derive(Default)]
pub struct Change {
    pub(super) puts: worker::js_sys::Object,
    pub(super) deletes: Vec<String>,
    pub(super) alarm_at: Option<u64>,
}

impl Change {
    /// Puts `value` under `key`.
    pub fn put(&mut self, key: &str, value: &impl Serialize) -> Result<()> {
        let value = serde_wasm_bindgen::to_value(value)
            .map_err(|e| worker::Error::RustError(e.to_string()))?;
        worker::js_sys::Reflect::set(&self.puts, &key.into(), &value)?;
        Ok(())
    }

    /// Deletes `key`.
    pub fn delete(&mut self, key: String) {
        self.deletes.push(key);
    }
}

/// Applies `change` as one write: the puts and deletes are issued together, with no await between them, so the
/// runtime commits them atomically (Durable Objects coalesce such writes; `putMultiple` itself is atomic). A crash
/// leaves the object before or after the change, never half-way.
pub async fn commit(storage: &worker::Storage, change: Change, now: u64) -> Result<()> {
    let Change {
        puts,
        deletes,
        alarm_at,
    } = change;
    let put = async {
        if worker::js_sys::Object::keys(&puts).length() == 0 {
            Ok(())
        } else {
            storage.put_multiple_raw(puts).await
        }
    };
    let delete = async {
        if deletes.is_empty() {
            Ok(0)
        } else {
            storage.delete_multiple(deletes).await
        }
    };
    let alarm = async {
        match alarm_at {
            Some(at) => storage.set_alarm(at.saturating_sub(now) as i64).await,
            None => Ok(()),
        }
    };
    let (put, delete, alarm) = futures_util::future::join3(put, delete, alarm).await;
    put?;
    delete?;
    alarm
}
