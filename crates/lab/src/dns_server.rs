//! The lab's authoritative DNS server: a `hickory-server` request handler over the lab's
//! record table, on UDP and TCP of the same loopback port.
//!
//! A hand-written handler instead of hickory's in-memory zones keeps the answers exactly
//! as the lab describes them, including shapes a real zone loader would refuse (CNAME
//! loops): an alias is answered with its CNAME alone and the resolver follows it, as it
//! would across providers on the internet.

use super::zones::ZoneData;
use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{Record, RecordType};
use hickory_server::Server;
use hickory_server::net::runtime::Time;
use hickory_server::proto::op::{Header, HeaderCounts, Metadata};
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::zone_handler::MessageResponseBuilder;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, UdpSocket};

/// Answers queries from the lab's table.
pub struct LabDns {
    data: Arc<ZoneData>,
}

impl LabDns {
    pub fn new(data: Arc<ZoneData>) -> LabDns {
        LabDns { data }
    }

    /// What to answer for (`owner`, `rtype`): response code, answers, and whether the SOA
    /// of the zone goes in the authority section (negative answers).
    fn answer(
        &self,
        owner: &str,
        rtype: RecordType,
    ) -> (ResponseCode, Vec<Record>, Option<Record>) {
        let Some(zone) = self.data.zone_of(owner) else {
            return (ResponseCode::Refused, Vec::new(), None);
        };
        let soa = ZoneData::soa(zone);
        if rtype == RecordType::SOA && owner == zone {
            return (ResponseCode::NoError, vec![soa], None);
        }
        let at_name = self.data.records.get(owner);
        let matching: Vec<Record> = at_name
            .map(|v| {
                v.iter()
                    .filter(|r| rtype == RecordType::ANY || r.record_type() == rtype)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        if !matching.is_empty() {
            return (ResponseCode::NoError, matching, None);
        }
        if let Some(alias) =
            at_name.and_then(|v| v.iter().find(|r| r.record_type() == RecordType::CNAME))
        {
            return (ResponseCode::NoError, vec![alias.clone()], None);
        }
        if self.data.name_exists(owner) {
            (ResponseCode::NoError, Vec::new(), Some(soa))
        } else {
            (ResponseCode::NXDomain, Vec::new(), Some(soa))
        }
    }
}

fn failed(request: &Request) -> ResponseInfo {
    let mut metadata = Metadata::response_from_request(&request.metadata);
    metadata.response_code = ResponseCode::ServFail;
    ResponseInfo::from(Header {
        metadata,
        counts: HeaderCounts::default(),
    })
}

#[async_trait::async_trait]
impl RequestHandler for LabDns {
    async fn handle_request<R: ResponseHandler, T: Time>(
        &self,
        request: &Request,
        mut response_handle: R,
    ) -> ResponseInfo {
        let Some(query) = request.queries.queries().first() else {
            return failed(request);
        };
        let owner = query
            .name()
            .to_string()
            .trim_end_matches('.')
            .to_ascii_lowercase();
        let (code, answers, soa) = self.answer(&owner, query.query_type());
        let mut metadata = Metadata::response_from_request(&request.metadata);
        metadata.authoritative = code != ResponseCode::Refused;
        metadata.response_code = code;
        let builder = MessageResponseBuilder::from_message_request(request);
        let response = builder.build(
            metadata,
            answers.iter(),
            std::iter::empty(),
            soa.iter(),
            std::iter::empty(),
        );
        match response_handle.send_response(response).await {
            Ok(info) => info,
            Err(_) => failed(request),
        }
    }
}

/// Starts the server on `127.0.0.1:port` (0 = any free port, shared by UDP and TCP).
pub async fn start(
    data: Arc<ZoneData>,
    port: u16,
) -> std::io::Result<(Server<LabDns>, SocketAddr)> {
    // UDP picks the port; TCP must get the same one. A free UDP port can be taken on TCP by
    // another process, so a few attempts are made when the port was chosen for us.
    let mut last_err = None;
    for _ in 0..20 {
        let udp = UdpSocket::bind(("127.0.0.1", port)).await?;
        let addr = udp.local_addr()?;
        match TcpListener::bind(addr).await {
            Ok(tcp) => {
                let mut server = Server::new(LabDns::new(data.clone()));
                server.register_socket(udp);
                server.register_listener(tcp, Duration::from_secs(5), 64);
                return Ok((server, addr));
            }
            Err(e) if port == 0 => last_err = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last_err.unwrap_or_else(|| std::io::Error::other("no free port for the lab DNS server")))
}
