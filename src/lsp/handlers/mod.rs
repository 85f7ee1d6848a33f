//! One function per LSP request, from a document snapshot to the response.
//! Each runs inside [`guarded`], so a bug fails one request, not the server.

pub mod code_action;
pub mod completion;
pub mod diagnostics;
pub mod hover;
pub mod navigation;

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

use tower_lsp_server::jsonrpc;

/// Runs `work`, turning a panic into an internal-error response and a log line.
pub fn guarded<T>(method: &str, work: impl FnOnce() -> T) -> jsonrpc::Result<T> {
    catch_unwind(AssertUnwindSafe(work)).map_err(|panic| {
        let message = format!("{method} failed: {}", panic_message(panic.as_ref()));
        eprintln!("sigmalens: {message}");
        jsonrpc::Error {
            code: jsonrpc::ErrorCode::InternalError,
            message: message.into(),
            data: None,
        }
    })
}

fn panic_message(panic: &(dyn Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("panic")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_response() {
        let error = guarded::<()>("test/method", || panic!("boom")).unwrap_err();
        assert_eq!(error.message, "test/method failed: boom");
        assert_eq!(guarded("test/method", || 7).unwrap(), 7);
    }
}
