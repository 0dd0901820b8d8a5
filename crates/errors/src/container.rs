//! Container status: the `status_code` values of `GET /{container-id}` and the `status` text
//! Graph shows with them. The ERROR text is the form seen in real traffic; the others are ours
//! (Meta documents only that `status` carries the subcode on ERROR).

use serde::Serialize;

/// A container's `status_code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ContainerStatus {
    InProgress,
    Finished,
    /// Processing failed with this catalog subcode.
    Error(i64),
    Expired,
    Published,
}

impl ContainerStatus {
    /// The `status_code` wire value.
    pub const fn code(self) -> &'static str {
        match self {
            ContainerStatus::InProgress => "IN_PROGRESS",
            ContainerStatus::Finished => "FINISHED",
            ContainerStatus::Error(_) => "ERROR",
            ContainerStatus::Expired => "EXPIRED",
            ContainerStatus::Published => "PUBLISHED",
        }
    }

    /// What a `status_code` and its `status` text report, as a client reads them: `None` for a
    /// code Graph does not send. An ERROR whose text names no subcode is `Error(0)`, which
    /// classifies as unknown.
    pub fn read(code: &str, text: Option<&str>) -> Option<ContainerStatus> {
        Some(match code {
            "IN_PROGRESS" => ContainerStatus::InProgress,
            "FINISHED" => ContainerStatus::Finished,
            "ERROR" => ContainerStatus::Error(text.and_then(crate::parse_status_text).unwrap_or(0)),
            "EXPIRED" => ContainerStatus::Expired,
            "PUBLISHED" => ContainerStatus::Published,
            _ => return None,
        })
    }

    /// The `status` wire text. [`crate::parse_status_text`] reads the ERROR form back.
    pub fn text(self) -> String {
        match self {
            ContainerStatus::InProgress => "In Progress: Media is still being processed.".into(),
            ContainerStatus::Finished => {
                "Finished: Media has been uploaded and it is ready to be published.".into()
            }
            ContainerStatus::Error(subcode) => {
                format!("Error: Media upload has failed with error code {subcode}")
            }
            ContainerStatus::Expired => {
                "Expired: Media has not been published within 24 hours of its creation.".into()
            }
            ContainerStatus::Published => "Published: Media has been published.".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_text_round_trips_through_the_parser() {
        for sub in [2207026, 2207076, 2207053] {
            let text = ContainerStatus::Error(sub).text();
            assert_eq!(crate::parse_status_text(&text), Some(sub));
        }
        for s in [
            ContainerStatus::InProgress,
            ContainerStatus::Finished,
            ContainerStatus::Expired,
            ContainerStatus::Published,
        ] {
            assert_eq!(crate::parse_status_text(&s.text()), None, "{s:?}");
        }
    }

    #[test]
    fn every_status_reads_back_from_its_wire_form() {
        for s in [
            ContainerStatus::InProgress,
            ContainerStatus::Finished,
            ContainerStatus::Error(2207026),
            ContainerStatus::Expired,
            ContainerStatus::Published,
        ] {
            assert_eq!(ContainerStatus::read(s.code(), Some(&s.text())), Some(s));
        }
        assert_eq!(
            ContainerStatus::read("ERROR", None),
            Some(ContainerStatus::Error(0))
        );
        assert_eq!(ContainerStatus::read("QUEUED", None), None);
    }
}
