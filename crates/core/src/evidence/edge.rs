//! Evidence of the `edge` family, and the details its findings carry.

use serde::{Deserialize, Serialize};

/// `edge.provider`: the signals read, and the providers whose DNS hosts the zone but whose
/// edge the responses do not come through.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EdgeEvidence {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dns_only_providers: Vec<String>,
    pub inputs: EdgeInputs,
    /// Whether the host's page could be fetched for its headers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<PageFetch>,
    /// NS names of the nearest zone cut at or above the host.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ns_names: Option<Vec<String>>,
}

/// What the edge judge was given.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EdgeInputs {
    pub ns: Vec<String>,
    pub addresses: Vec<String>,
    /// How many response headers the page had.
    pub headers: u64,
}

/// The host's page for the header signal: `"fetched"`, or `{"error": …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PageFetch {
    Fetched,
    Error(String),
}

/// Detail of `edge.provider`: the provider and the signals that named it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EdgeSignalsDetail {
    pub provider: String,
    pub signals: Vec<String>,
}

#[cfg(test)]
mod tests {
    use crate::catalog::KindId;
    use crate::evidence::Observed;
    use serde_json::json;

    #[test]
    fn the_page_reads_as_fetched_or_its_error() {
        for page in [json!("fetched"), json!({ "error": "timed out" })] {
            let v = json!({ "inputs": { "ns": [], "addresses": ["192.0.2.1"], "headers": 3 },
                            "page": page, "ns_names": [] });
            let o = Observed::read(Some(KindId::EdgeProvider), v.clone());
            assert!(matches!(o, Observed::Edge(_)), "{v}");
            assert_eq!(o.to_json(), v);
        }
        let v = json!({ "page": "other" });
        assert!(matches!(
            Observed::read(Some(KindId::EdgeProvider), v),
            Observed::Unread(_)
        ));
    }
}
