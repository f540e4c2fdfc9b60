//! The one mapping from [`crate::Error`] to gRPC status codes, and the canonical names
//! of those codes (for `DocumentError.code`).

use crate::Error;
use tonic::{Code, Status};

impl From<Error> for Status {
    /// No `_` arm: a new error variant does not compile until someone picks its code.
    fn from(e: Error) -> Status {
        match e {
            Error::InvalidInput(_) => Status::invalid_argument(e.to_string()),
            Error::LimitExceeded { .. } => Status::resource_exhausted(e.to_string()),
            Error::Cancelled => Status::cancelled(e.to_string()),
            // The server's own limit, not the client's deadline: retrying the same
            // document cannot help, so not DEADLINE_EXCEEDED.
            Error::OverBudget { .. } => Status::resource_exhausted(e.to_string()),
            // A model file that is missing, corrupt or of the wrong version stays so
            // until an operator fixes it: FAILED_PRECONDITION, not UNAVAILABLE, which
            // clients' retry policies would retry in a loop.
            Error::Model { .. } => Status::failed_precondition(e.to_string()),
            // Server-side details (paths, solver state) are for the log, not the client.
            Error::Training(_) | Error::Io { .. } => {
                tracing::error!(error = %e, "internal error");
                Status::internal("internal error; see the server log")
            }
        }
    }
}

/// The canonical name of a status code, as in the gRPC spec ("INVALID_ARGUMENT").
pub fn code_name(code: Code) -> &'static str {
    match code {
        Code::Ok => "OK",
        Code::Cancelled => "CANCELLED",
        Code::Unknown => "UNKNOWN",
        Code::InvalidArgument => "INVALID_ARGUMENT",
        Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        Code::NotFound => "NOT_FOUND",
        Code::AlreadyExists => "ALREADY_EXISTS",
        Code::PermissionDenied => "PERMISSION_DENIED",
        Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        Code::FailedPrecondition => "FAILED_PRECONDITION",
        Code::Aborted => "ABORTED",
        Code::OutOfRange => "OUT_OF_RANGE",
        Code::Unimplemented => "UNIMPLEMENTED",
        Code::Internal => "INTERNAL",
        Code::Unavailable => "UNAVAILABLE",
        Code::DataLoss => "DATA_LOSS",
        Code::Unauthenticated => "UNAUTHENTICATED",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_errors_keep_their_message() {
        let s = Status::from(Error::invalid("line 3: bad"));
        assert_eq!(
            (s.code(), s.message()),
            (Code::InvalidArgument, "line 3: bad")
        );
        let s = Status::from(Error::LimitExceeded {
            what: "documents".into(),
            value: 9,
            limit: 4,
        });
        assert_eq!(s.code(), Code::ResourceExhausted);
        assert!(
            s.message().contains('9') && s.message().contains('4'),
            "{}",
            s.message()
        );
        let s = Status::from(Error::model("/m/x.model", "truncated"));
        assert_eq!(s.code(), Code::FailedPrecondition);
        assert!(s.message().contains("truncated"));
    }

    #[test]
    fn internal_errors_hide_details() {
        let io = std::io::Error::other("disk on fire");
        for e in [
            Error::Training("solver diverged".into()),
            Error::io("/secret/path", io),
        ] {
            let s = Status::from(e);
            assert_eq!(s.code(), Code::Internal);
            assert!(!s.message().contains("secret") && !s.message().contains("solver"));
        }
    }

    #[test]
    fn code_names_match_the_spec() {
        assert_eq!(code_name(Code::InvalidArgument), "INVALID_ARGUMENT");
        assert_eq!(code_name(Code::ResourceExhausted), "RESOURCE_EXHAUSTED");
        // Every code maps to a distinct upper-snake name.
        let names: std::collections::BTreeSet<_> =
            (0..=16).map(|i| code_name(Code::from(i))).collect();
        assert_eq!(names.len(), 17);
        assert!(names
            .iter()
            .all(|n| n.chars().all(|c| c.is_ascii_uppercase() || c == '_')));
    }
}
