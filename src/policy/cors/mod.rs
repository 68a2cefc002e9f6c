//! `cors/*` rules: the allowed origins of SignalR and of the function app.
//!
//! Every rule reads origins through [`Origin::parse`], so "what is an origin" is
//! decided once: `scheme://host[:port]` with a scheme, port range and DNS limits from
//! `schemas/azure-limits.toml` (`[cors]`).

pub mod duplicate_origin;
pub mod empty_origins;
pub mod function_cors_differs;
pub mod insecure_origin;
pub mod invalid_origin;
pub mod localhost_origin;
pub mod wildcard_mixed;
pub mod wildcard_origin;
pub mod wildcard_with_credentials;

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::limits::Cors;
use crate::resolve::{Resolved, Setting};

/// One CORS list the stack emits.
pub(crate) struct OriginList<'a> {
    /// Where the list lives, as the user writes it.
    pub key: &'static str,
    /// The diagnostic's resource.
    pub resource: &'static str,
    /// Who the list lets browsers call, for messages.
    pub service: &'static str,
    pub origins: &'a Setting<Vec<Setting<String>>>,
}

/// The lists to judge: SignalR's always, the function app's only when the user wrote
/// it. By default the function app copies SignalR's list, spans included, so judging
/// both would report each finding twice at the same place.
pub(crate) fn lists(env: &Resolved) -> Vec<OriginList<'_>> {
    let mut out = vec![OriginList {
        key: "signalr.cors.allowed_origins",
        resource: "signalr",
        service: "SignalR",
        origins: &env.signalr.cors_allowed_origins,
    }];
    if env.functions.cors_allowed_origins.explicit {
        out.push(OriginList {
            key: "functions.cors_allowed_origins",
            resource: "function_app",
            service: "the function app",
            origins: &env.functions.cors_allowed_origins,
        });
    }
    out
}

/// One origin that parses, with the list it is in and where the user wrote it.
pub(crate) struct ListedOrigin<'a> {
    pub list: &'a OriginList<'a>,
    pub entry: &'a Setting<String>,
    pub origin: Origin,
}

/// Every well-formed origin of `lists`; malformed ones are `cors/invalid-origin`'s.
pub(crate) fn parsed<'a>(lists: &'a [OriginList<'a>], cors: &'a Cors) -> impl Iterator<Item = ListedOrigin<'a>> {
    lists.iter().flat_map(move |list| {
        list.origins.value.iter().filter_map(move |entry| {
            Origin::parse(&entry.value, cors)
                .ok()
                .map(|origin| ListedOrigin { list, entry, origin })
        })
    })
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Host {
    /// A DNS name, lower-cased.
    Name(String),
    V4(Ipv4Addr),
    V6(Ipv6Addr),
}

/// A well-formed origin: `scheme://host[:port]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Origin {
    /// Lower-cased.
    pub scheme: String,
    pub host: Host,
    pub port: Option<u16>,
}

/// Why a string is not an origin: the message tail, the label under it, the origin
/// the user most likely meant when one can be derived, and otherwise a specific fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Problem {
    pub what: String,
    pub label: &'static str,
    pub fix: Option<String>,
    pub help: Option<&'static str>,
}

impl Problem {
    fn new(what: impl Into<String>, label: &'static str) -> Self {
        Self {
            what: what.into(),
            label,
            fix: None,
            help: None,
        }
    }

    fn help(mut self, help: &'static str) -> Self {
        self.help = Some(help);
        self
    }
}

impl Origin {
    /// Parses one entry of an origin list (not the wildcard, which callers handle).
    pub fn parse(text: &str, cors: &Cors) -> Result<Origin, Problem> {
        if text.chars().any(char::is_whitespace) {
            let trimmed = text.trim();
            let mut p = Problem::new("contains whitespace", "whitespace");
            if trimmed != text && Origin::parse(trimmed, cors).is_ok() {
                p.fix = Some(trimmed.to_string());
            }
            return Err(p);
        }
        let Some((scheme, rest)) = text.split_once("://") else {
            let mut p = Problem::new("is not of the form `scheme://host[:port]`", "no `scheme://`");
            let guess = format!("{}://{text}", cors.secure_scheme);
            if Origin::parse(&guess, cors).is_ok() {
                p.fix = Some(guess);
            }
            return Err(p);
        };
        let scheme = scheme.to_ascii_lowercase();
        if !cors.schemes.contains(&scheme) {
            let allowed = cors
                .schemes
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(" and ");
            return Err(Problem::new(
                format!("uses the scheme `{scheme}`; only {allowed} origins are accepted"),
                "unsupported scheme",
            ));
        }
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        let (host, port) = parse_authority(authority, cors).map_err(|mut p| {
            // Suggest the origin without what made the authority wrong, when that is all.
            let fixed = match authority.rsplit_once('@') {
                Some((_, after)) => Some(after.to_string()),
                None => {
                    let (h, port) = authority
                        .split_once(':')
                        .map_or((authority, None), |(h, p)| (h, Some(p)));
                    h.strip_suffix('.')
                        .map(|h| port.map_or_else(|| h.to_string(), |p| format!("{h}:{p}")))
                }
            };
            if let Some(candidate) = fixed.map(|a| format!("{scheme}://{a}")) {
                if p.fix.is_none() && Origin::parse(&candidate, cors).is_ok() {
                    p.fix = Some(candidate);
                }
            }
            p
        })?;
        let origin = Origin { scheme, host, port };
        if tail.is_empty() {
            return Ok(origin);
        }
        let mut p = match tail {
            "/" => Problem::new("ends with a slash", "trailing slash"),
            t if t.starts_with('/') => {
                let path = &t[..t.find(['?', '#']).unwrap_or(t.len())];
                Problem::new(format!("has the path `{path}`"), "origins have no path")
            }
            t if t.starts_with('?') => Problem::new("has a query string", "origins have no query"),
            _ => Problem::new("has a fragment", "origins have no fragment"),
        };
        p.fix = Some(origin.display(text));
        Err(p)
    }

    /// The origin as the user wrote its scheme and authority (for suggestions).
    fn display(&self, text: &str) -> String {
        let start = text.find("://").map_or(0, |i| i + 3);
        let end = text[start..].find(['/', '?', '#']).map_or(text.len(), |i| start + i);
        text[..end].to_string()
    }

    /// The form two origins are compared in: lower case, default port dropped, IPv6
    /// in canonical form.
    pub fn normalized(&self, cors: &Cors) -> String {
        let host = match &self.host {
            Host::Name(n) => n.clone(),
            Host::V4(a) => a.to_string(),
            Host::V6(a) => format!("[{a}]"),
        };
        match self.port {
            Some(p) if cors.default_ports.get(&self.scheme) != Some(&p) => format!("{}://{host}:{p}", self.scheme),
            _ => format!("{}://{host}", self.scheme),
        }
    }

    /// `localhost`, a name under it, 127.0.0.0/8 or `[::1]` (also IPv4-mapped).
    pub fn is_loopback(&self, cors: &Cors) -> bool {
        match &self.host {
            Host::Name(n) => {
                let domain = cors.loopback_domain.as_str();
                n == domain || n.strip_suffix(domain).is_some_and(|rest| rest.ends_with('.'))
            }
            Host::V4(a) => a.is_loopback(),
            Host::V6(a) => a.is_loopback() || a.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
        }
    }
}

/// Compares any two list entries: well-formed origins by their normalized form, the
/// rest by their lower-cased text.
pub(crate) fn compare_key(text: &str, cors: &Cors) -> String {
    match Origin::parse(text, cors) {
        Ok(o) => o.normalized(cors),
        Err(_) => text.to_ascii_lowercase(),
    }
}

fn parse_authority(authority: &str, cors: &Cors) -> Result<(Host, Option<u16>), Problem> {
    if authority.contains('@') {
        return Err(Problem::new(
            "carries user credentials (`user@`)",
            "credentials are not part of an origin",
        ));
    }
    if authority.is_empty() {
        return Err(Problem::new("has no host", "no host"));
    }
    let (host, port) = if let Some(inner) = authority.strip_prefix('[') {
        let Some((addr, after)) = inner.split_once(']') else {
            return Err(Problem::new(
                "has an IPv6 address without its closing `]`",
                "unclosed `[`",
            ));
        };
        let port = match after {
            "" => None,
            p => match p.strip_prefix(':') {
                Some(p) => Some(p),
                None => {
                    return Err(Problem::new(
                        format!("has `{p}` after the IPv6 address"),
                        "unexpected text",
                    ))
                }
            },
        };
        let Ok(v6) = addr.parse::<Ipv6Addr>() else {
            return Err(Problem::new(
                format!("has the host `[{addr}]`, which is not an IPv6 address"),
                "invalid IPv6 address",
            ));
        };
        (Host::V6(v6), port)
    } else {
        let (host, port) = match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        };
        if port.is_some_and(|p| p.contains(':')) {
            return Err(Problem::new(
                "has an IPv6 address outside `[` `]`",
                "write IPv6 hosts as `[address]`",
            ));
        }
        (parse_host(host, cors)?, port)
    };
    let port = match port {
        None => None,
        Some("") => return Err(Problem::new("has an empty port after `:`", "empty port")),
        Some(p) if !p.bytes().all(|b| b.is_ascii_digit()) => {
            return Err(Problem::new(
                format!("has the port `{p}`, which is not a number"),
                "invalid port",
            ))
        }
        Some(p) => match p.parse::<u32>() {
            Ok(n) if n >= u32::from(cors.port_min) && n <= u32::from(cors.port_max) => {
                Some(u16::try_from(n).expect("port_max fits in u16"))
            }
            _ => {
                return Err(Problem::new(
                    format!("has the port `{p}`, outside {}-{}", cors.port_min, cors.port_max),
                    "port out of range",
                ))
            }
        },
    };
    Ok((host, port))
}

fn parse_host(host: &str, cors: &Cors) -> Result<Host, Problem> {
    if host.is_empty() {
        return Err(Problem::new("has no host", "no host"));
    }
    if host.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return host.parse::<Ipv4Addr>().map(Host::V4).map_err(|_| {
            Problem::new(
                format!("has the host `{host}`, which is not an IPv4 address"),
                "invalid IPv4 address",
            )
        });
    }
    if !host.is_ascii() {
        return Err(Problem::new(
            format!("has the host `{host}` with non-ASCII characters"),
            "non-ASCII host",
        )
        .help("write the host in its punycode (`xn--`) form"));
    }
    if host.len() > cors.dns_name_max_length {
        return Err(Problem::new(
            format!(
                "has a host of {} characters; DNS names take at most {}",
                host.len(),
                cors.dns_name_max_length
            ),
            "host too long",
        ));
    }
    if let Some(stripped) = host.strip_suffix('.').filter(|h| !h.is_empty() && !h.ends_with('.')) {
        if parse_host(stripped, cors).is_ok() {
            return Err(Problem::new(
                format!("has the host `{host}`, which ends with a dot"),
                "trailing dot",
            ));
        }
    }
    for label in host.split('.') {
        if label.contains('*') {
            return Err(Problem::new(
                "uses a wildcard subdomain, which CORS lists do not support",
                "wildcard subdomain",
            )
            .help("list each subdomain as its own origin"));
        }
        let bad = label.is_empty()
            || label.len() > cors.dns_label_max_length
            || label.starts_with('-')
            || label.ends_with('-')
            || !label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if bad {
            return Err(Problem::new(
                format!(
                    "has the host `{host}`, which is not a DNS name (labels of 1-{} letters, digits and inner hyphens)",
                    cors.dns_label_max_length
                ),
                "invalid host",
            ));
        }
    }
    Ok(Host::Name(host.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::limits;

    fn parse(s: &str) -> Result<Origin, Problem> {
        Origin::parse(s, &limits().cors)
    }

    fn norm(s: &str) -> String {
        parse(s)
            .unwrap_or_else(|p| panic!("{s}: {p:?}"))
            .normalized(&limits().cors)
    }

    #[test]
    fn accepts_origins() {
        for ok in [
            "https://app.example.com",
            "http://example.com:12345",
            "HTTPS://App.Example.COM",
            "https://[::1]:8443",
            "http://127.0.0.1:3000",
            "https://xn--bcher-kva.example",
            "https://localhost",
            "https://a-b.c0.io:1",
            "https://x.io:65535",
        ] {
            assert!(parse(ok).is_ok(), "{ok}: {:?}", parse(ok));
        }
    }

    #[test]
    fn rejects_non_origins_and_says_why() {
        let cases = [
            (
                "https://app.example.com/",
                "ends with a slash",
                Some("https://app.example.com"),
            ),
            (
                "https://app.example.com/chat?x=1",
                "has the path `/chat`",
                Some("https://app.example.com"),
            ),
            ("https://a.io?x", "has a query string", Some("https://a.io")),
            ("https://a.io#top", "has a fragment", Some("https://a.io")),
            (
                "app.example.com",
                "is not of the form `scheme://host[:port]`",
                Some("https://app.example.com"),
            ),
            (
                "ionic://localhost",
                "uses the scheme `ionic`; only `http` and `https` origins are accepted",
                None,
            ),
            (
                "https://*.example.com",
                "uses a wildcard subdomain, which CORS lists do not support",
                None,
            ),
            ("https://a.io:0", "has the port `0`, outside 1-65535", None),
            ("https://a.io:65536", "has the port `65536`, outside 1-65535", None),
            (
                "https://a.io:99999999999",
                "has the port `99999999999`, outside 1-65535",
                None,
            ),
            ("https://a.io:", "has an empty port after `:`", None),
            ("https://a.io:http", "has the port `http`, which is not a number", None),
            ("https://", "has no host", None),
            ("https://:443", "has no host", None),
            (
                "https://user@a.io",
                "carries user credentials (`user@`)",
                Some("https://a.io"),
            ),
            (
                "https://u:p@a.io:99",
                "carries user credentials (`user@`)",
                Some("https://a.io:99"),
            ),
            (
                "https://-a.io",
                "has the host `-a.io`, which is not a DNS name (labels of 1-63 letters, digits and inner hyphens)",
                None,
            ),
            (
                "https://a..io",
                "has the host `a..io`, which is not a DNS name (labels of 1-63 letters, digits and inner hyphens)",
                None,
            ),
            (
                "https://a_b.io",
                "has the host `a_b.io`, which is not a DNS name (labels of 1-63 letters, digits and inner hyphens)",
                None,
            ),
            (
                "https://256.1.1.1",
                "has the host `256.1.1.1`, which is not an IPv4 address",
                None,
            ),
            (
                "https://[::g]",
                "has the host `[::g]`, which is not an IPv6 address",
                None,
            ),
            ("https://[::1", "has an IPv6 address without its closing `]`", None),
            ("https://::1", "has an IPv6 address outside `[` `]`", None),
            (" https://a.io", "contains whitespace", Some("https://a.io")),
            (
                "https://bücher.example",
                "has the host `bücher.example` with non-ASCII characters",
                None,
            ),
            (
                "https://a.io.",
                "has the host `a.io.`, which ends with a dot",
                Some("https://a.io"),
            ),
            (
                "https://a.io.:8443",
                "has the host `a.io.`, which ends with a dot",
                Some("https://a.io:8443"),
            ),
        ];
        for (input, what, fix) in cases {
            let p = parse(input).expect_err(input);
            assert_eq!(p.what, what, "{input}");
            assert_eq!(p.fix.as_deref(), fix, "{input}");
        }
        let long_label = format!("https://{}.io", "a".repeat(64));
        assert!(parse(&long_label).is_err());
        let long_name = format!("https://{}io", "abcdefghi.".repeat(26));
        assert!(parse(&long_name).unwrap_err().what.contains("at most 253"));
    }

    #[test]
    fn normalizes_case_default_ports_and_ipv6() {
        assert_eq!(norm("HTTPS://App.Example.com:443"), "https://app.example.com");
        assert_eq!(norm("http://a.io:80"), "http://a.io");
        assert_eq!(norm("http://a.io:443"), "http://a.io:443");
        assert_eq!(norm("https://[0:0:0:0:0:0:0:1]"), "https://[::1]");
    }

    fn run(rule: &'static crate::policy::Rule, tail: &str) -> Vec<crate::diag::Diagnostic> {
        let text = format!("[environment]\nname = \"prod\"\nworkload = \"chat\"\nlocation = \"eastus\"\n\n[signalr]\nsku = \"Standard_S1\"\n{tail}");
        let source = crate::source::SourceFile::new("env.toml", text);
        let env = crate::parse::parse(&source).expect("the test input parses");
        let env = crate::resolve::resolve(&env).expect("the test input resolves");
        crate::policy::check_rule(&env, rule)
    }

    #[test]
    fn a_copied_function_list_is_judged_once() {
        let sr = "[signalr.cors]\nallowed_origins = [\"*\", \"https://a.example.com/\", \"http://b.example.com\", \"http://localhost\", \"https://c.io\", \"https://C.io\"]\n";
        for rule in [
            &wildcard_origin::RULE,
            &wildcard_mixed::RULE,
            &invalid_origin::RULE,
            &insecure_origin::RULE,
            &localhost_origin::RULE,
            &duplicate_origin::RULE,
        ] {
            assert_eq!(run(rule, sr).len(), 1, "{}", rule.id);
            let both = format!("{sr}\n[functions]\ncors_allowed_origins = [\"*\", \"https://a.example.com/\", \"http://b.example.com\", \"http://localhost\", \"https://c.io\", \"https://C.io\"]\n");
            let found = run(rule, &both);
            assert_eq!(found.len(), 2, "{}", rule.id);
            assert_eq!(found[1].resource.as_deref(), Some("function_app"), "{}", rule.id);
        }
        assert!(run(&function_cors_differs::RULE, sr).is_empty());
    }

    #[test]
    fn knows_loopback_hosts() {
        let cors = &limits().cors;
        for lo in [
            "http://localhost:3000",
            "http://app.localhost",
            "http://127.0.0.1",
            "http://127.8.9.10",
            "http://[::1]",
            "http://[::ffff:127.0.0.1]",
            "http://LOCALHOST",
        ] {
            assert!(parse(lo).unwrap().is_loopback(cors), "{lo}");
        }
        for not in [
            "https://localhost.example.com",
            "https://mylocalhost",
            "http://10.0.0.1",
            "http://[::2]",
        ] {
            assert!(!parse(not).unwrap().is_loopback(cors), "{not}");
        }
    }
}
