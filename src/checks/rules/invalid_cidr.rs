use std::net::IpAddr;

use crate::checks::{Context, Diagnostic};
use crate::rule::Modifier;

crate::check! {
    /// ## What it does
    /// Reports a `|cidr` value that is not an IPv4 or IPv6 network
    /// (`10.0.0.0/8`, `fe80::/10`), or that has host bits set.
    ///
    /// ## Why is this bad?
    /// Converters reject the rule (pySigma parses networks strictly).
    ///
    /// ## Example
    /// ```yaml
    /// DestinationIp|cidr: '10.0.0.0/33'
    /// ```
    ///
    /// ## Fix
    /// Write a valid network: address, `/`, prefix length within 0-32
    /// (IPv4) or 0-128 (IPv6), host bits zero.
    code: "SL622",
    name: "invalid-cidr",
    severity: Error,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for item in ctx.rule.items_with(Modifier::Cidr) {
        for value in &item.values {
            if let Err(reason) = parse_network(&value.text) {
                out.push(Diagnostic::new(
                    &CHECK,
                    value.range,
                    format!("`{}` is not a network: {reason}", value.text),
                ));
            }
        }
    }
}

/// Checks `address[/prefix]` the way Python's strict `ip_network` does.
fn parse_network(text: &str) -> Result<(), String> {
    let (address, prefix) = match text.split_once('/') {
        Some((address, prefix)) => (address, Some(prefix)),
        None => (text, None),
    };
    let address: IpAddr = address
        .parse()
        .map_err(|_| format!("`{address}` is not an IPv4 or IPv6 address"))?;
    let bits: u32 = if address.is_ipv4() { 32 } else { 128 };
    let Some(prefix) = prefix else {
        return Ok(());
    };
    let length: u32 = prefix
        .parse()
        .ok()
        .filter(|&n| n <= bits && prefix.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| format!("prefix length `{prefix}` is not within 0-{bits}"))?;
    let value = match address {
        IpAddr::V4(v4) => u128::from(u32::from(v4)),
        IpAddr::V6(v6) => u128::from(v6),
    };
    let host_mask = if length == bits {
        0
    } else {
        (1u128 << (bits - length)) - 1
    };
    if value & host_mask != 0 {
        return Err("host bits are set; write the network with them zero".to_string());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_network;

    #[test]
    fn networks() {
        assert!(parse_network("10.0.0.0/8").is_ok());
        assert!(parse_network("192.168.1.1").is_ok());
        assert!(parse_network("fe80::/10").is_ok());
        assert!(parse_network("::1/128").is_ok());
        assert!(parse_network("0.0.0.0/0").is_ok());
        assert!(parse_network("10.0.0.0/33").is_err());
        assert!(parse_network("10.0.0.1/8").is_err());
        assert!(parse_network("10.0.0/8").is_err());
        assert!(parse_network("fe80::/129").is_err());
        assert!(parse_network("10.0.0.0/+8").is_err());
        assert!(parse_network("*").is_err());
    }
}
