//! Advice for the `dns` family: host records, apex/www, CAA, staging hosts.

use super::Advice;

pub(super) const ENTRIES: &[(&str, Advice)] = &[
    (
        "dns.unresolvable",
        Advice {
            headline: "The site's address leads nowhere",
            impact: "Visitors and apps cannot reach this host at all; browsers say the site \
                     cannot be reached.",
            fix: "Add an A record (and an AAAA record) for the host at the DNS provider, or \
                  repair the CNAME chain it points through.",
        },
    ),
    (
        "dns.dangling_cname",
        Advice {
            headline: "A subdomain points at a service that is gone",
            impact: "Someone else could claim that service name and serve their own pages \
                     on your subdomain.",
            fix: "Delete the CNAME record at the DNS provider, or recreate the resource it \
                  points at.",
        },
    ),
    (
        "dns.no_www",
        Advice {
            headline: "The www address does not work",
            impact: "People who type www before the domain get an error instead of the site.",
            fix: "Add a www record (a CNAME to the main host is usual) and redirect it to the \
                  main address.",
        },
    ),
    (
        "dns.no_apex",
        Advice {
            headline: "The address without www does not work",
            impact: "People who type the bare domain get an error instead of the site.",
            fix: "Add A/AAAA records (or the provider's ALIAS or flattened CNAME) on the apex \
                  and redirect it to the main address.",
        },
    ),
    (
        "dns.staging_exposed",
        Advice {
            headline: "A test version of the site is open to everyone",
            impact: "Anyone can find it and use unfinished features, test data or weaker \
                     security settings.",
            fix: "Put the staging host behind a login (basic auth, SSO or an edge access \
                  policy), or remove its public DNS record.",
        },
    ),
    (
        "dns.caa_missing",
        Advice {
            headline: "No limit on who may issue your certificates",
            impact: "Any certificate authority may issue a certificate for the domain, which \
                     leaves more room for a wrongly issued one.",
            fix: "Add a CAA record on the apex naming the authority you use, for example \
                  0 issue \"letsencrypt.org\".",
        },
    ),
    (
        "dns.no_ipv6",
        Advice {
            headline: "The site has no IPv6 address",
            impact: "Visitors on IPv6-only networks depend on their carrier's translation, \
                     which adds delay and sometimes fails.",
            fix: "Add an AAAA record for the host; most CDNs and hosting platforms provide an \
                  IPv6 address.",
        },
    ),
    (
        "dns.provider",
        Advice {
            headline: "Which company runs your DNS",
            impact: "Nothing breaks; this shows where DNS changes have to be made.",
            fix: "No change needed; make sure more than one person on the team can log in to \
                  that provider.",
        },
    ),
];
