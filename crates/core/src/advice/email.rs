//! Advice for the `email` family: MX, SPF, DMARC and DKIM.

use super::Advice;

pub(super) const ENTRIES: &[(&str, Advice)] = &[
    (
        "email.mx_missing",
        Advice {
            headline: "The domain cannot receive email",
            impact: "Replies and mail to support or billing addresses bounce, and some \
                     inboxes distrust senders that cannot receive mail.",
            fix: "Add MX records on the apex pointing at your mail provider's servers.",
        },
    ),
    (
        "email.mx_cname",
        Advice {
            headline: "A mail server entry points at an alias",
            impact: "Some senders delay or refuse mail to the domain, because the mail \
                     standard forbids an MX target that is a CNAME.",
            fix: "Point the MX record at the mail server's real host name, one with its own \
                  A/AAAA record.",
        },
    ),
    (
        "email.mx_unresolvable",
        Advice {
            headline: "A listed mail server does not exist",
            impact: "Mail to the domain is delayed or bounces while senders try that server.",
            fix: "Correct or remove the MX record whose target has no address.",
        },
    ),
    (
        "email.spf_missing",
        Advice {
            headline: "Nothing says which servers may send your email",
            impact: "Your emails are likelier to land in spam, and others can send mail that \
                     claims to come from you.",
            fix: "Publish one TXT record on the domain starting v=spf1 that lists your mail \
                  providers and ends in -all or ~all.",
        },
    ),
    (
        "email.spf_multiple",
        Advice {
            headline: "Your list of allowed email senders is duplicated",
            impact: "Receivers treat two SPF records as an error, so your mail loses that \
                     check and may go to spam.",
            fix: "Merge the v=spf1 TXT records into a single record.",
        },
    ),
    (
        "email.spf_syntax",
        Advice {
            headline: "Your list of allowed email senders has an error",
            impact: "Receivers reject the SPF record as invalid, so it no longer vouches for \
                     your mail.",
            fix: "Correct the faulty term of the v=spf1 TXT record (the evidence names it) \
                  and run the check again.",
        },
    ),
    (
        "email.spf_permissive_all",
        Advice {
            headline: "Any server may send email as your domain",
            impact: "The SPF record lets every server pass, so forged mail in your name is \
                     not caught by it.",
            fix: "End the v=spf1 record with -all (or ~all) after listing your real senders, \
                  instead of +all, ?all or no ending.",
        },
    ),
    (
        "email.spf_too_many_lookups",
        Advice {
            headline: "Your email sender list is too long to check",
            impact: "Past 10 DNS lookups receivers stop evaluating SPF and count it as an \
                     error, so your mail loses that check.",
            fix: "Remove includes for services you no longer use, or replace some with their \
                  IP ranges, to stay within 10 lookups.",
        },
    ),
    (
        "email.spf_void_lookups",
        Advice {
            headline: "Your email sender list names missing domains",
            impact: "After two lookups that find nothing, receivers may treat SPF as failed, \
                     which hurts delivery.",
            fix: "Remove the include, a or mx terms that point at names with no records.",
        },
    ),
    (
        "email.spf_softfail",
        Advice {
            headline: "Mail from unlisted senders is flagged, not refused",
            impact: "Forged mail is only marked suspicious; acceptable at launch while DMARC \
                     does the enforcing.",
            fix: "Once every real sender is listed and DMARC reports are clean, change ~all \
                  to -all.",
        },
    ),
    (
        "email.dmarc_missing",
        Advice {
            headline: "Nothing tells inboxes to reject fake email from you",
            impact: "Fraudsters can send convincing mail from your domain, and Gmail and \
                     Yahoo expect a DMARC record from bulk senders.",
            fix: "Publish a TXT record at _dmarc on the domain, such as \
                  v=DMARC1; p=quarantine; rua=mailto:<your report address>.",
        },
    ),
    (
        "email.dmarc_syntax",
        Advice {
            headline: "Your email anti-forgery policy has an error",
            impact: "Receivers ignore a DMARC record they cannot read, so the domain is \
                     treated as having no policy.",
            fix: "Rewrite the _dmarc TXT record so it starts with v=DMARC1 followed by a \
                  valid p= tag (none, quarantine or reject).",
        },
    ),
    (
        "email.dmarc_policy_none",
        Advice {
            headline: "Fake email from your domain is not blocked",
            impact: "With p=none receivers only report forged mail and still deliver it.",
            fix: "Once reports show your real senders pass, raise the _dmarc policy to \
                  p=quarantine, then p=reject.",
        },
    ),
    (
        "email.dmarc_no_reports",
        Advice {
            headline: "You get no reports on email sent in your name",
            impact: "You cannot see who sends mail as your domain, or notice when your own \
                     mail starts failing checks.",
            fix: "Add rua=mailto:<address> to the _dmarc record; a DMARC report service can \
                  receive and summarise them.",
        },
    ),
    (
        "email.dkim_missing",
        Advice {
            headline: "Your emails are not signed",
            impact: "Unsigned mail is likelier to land in spam, and DMARC then rests on SPF \
                     alone, which breaks when mail is forwarded.",
            fix: "Turn on DKIM signing at the email provider and publish the TXT record it \
                  gives under _domainkey; add an unusual selector name to the session's \
                  targets.",
        },
    ),
    (
        "email.dkim_invalid_key",
        Advice {
            headline: "An email signing key is broken",
            impact: "Receivers cannot verify signatures made with this key, so signed mail \
                     fails the check.",
            fix: "Copy the DKIM record from the email provider again, checking the p= value \
                  was not cut short or split wrongly.",
        },
    ),
    (
        "email.dkim_weak_key",
        Advice {
            headline: "An email signing key is too short",
            impact: "Signatures from a short key are easier to forge, and receivers discard \
                     keys under 1024 bits.",
            fix: "Create a 2048-bit DKIM key at the email provider, publish it under a new \
                  selector, then retire the old one.",
        },
    ),
    (
        "email.dkim_revoked",
        Advice {
            headline: "An email signing key has been withdrawn",
            impact: "Mail still signed with that key fails the check and may go to spam.",
            fix: "Make sure the provider signs with a current key; remove the empty record \
                  once nothing uses it.",
        },
    ),
];
