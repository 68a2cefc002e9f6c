//! `[outputs] azurerm_version`: a Terraform version constraint that must admit some 4.x
//! release and no release outside 4.x (sigc emits azurerm 4.x configuration).
//!
//! Operators as Terraform reads them: `=`, `!=`, `>`, `>=`, `<`, `<=`, `~>` (the rightmost
//! given part may grow), comma-separated and all required
//! (https://developer.hashicorp.com/terraform/language/expressions/version-constraints).

type Version = (u64, u64, u64);

/// One end of the admitted range: a version and whether it is itself admitted.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Bound(Version, bool);

const ZERO: Version = (0, 0, 0);
const FOUR: Version = (4, 0, 0);
const FIVE: Version = (5, 0, 0);

fn parse_version(s: &str) -> Option<(Version, usize)> {
    let parts: Vec<&str> = s.trim().split('.').collect();
    if parts.is_empty() || parts.len() > 3 {
        return None;
    }
    let mut v = [0u64; 3];
    for (i, p) in parts.iter().enumerate() {
        v[i] = p.parse().ok()?;
    }
    Some(((v[0], v[1], v[2]), parts.len()))
}

/// Why the constraint does not fit azurerm 4.x, if it does not.
pub fn azurerm_constraint_problem(constraint: &str) -> Option<String> {
    let mut lo = Bound(ZERO, true);
    let mut hi: Option<Bound> = None;
    let mut excluded = Vec::new();
    for part in constraint.split(',') {
        let part = part.trim();
        let (op, rest) = ["~>", ">=", "<=", "!=", ">", "<", "="]
            .iter()
            .find_map(|op| part.strip_prefix(op).map(|r| (*op, r)))
            .unwrap_or(("=", part));
        let (v, given) = parse_version(rest)?;
        let (new_lo, new_hi) = match op {
            "=" => (Some(Bound(v, true)), Some(Bound(v, true))),
            "!=" => {
                excluded.push(v);
                (None, None)
            }
            ">" => (Some(Bound(v, false)), None),
            ">=" => (Some(Bound(v, true)), None),
            "<" => (None, Some(Bound(v, false))),
            "<=" => (None, Some(Bound(v, true))),
            _ => {
                // `~> 4.1.2` < 4.2.0; `~> 4.1` < 5.0.0; `~> 4` < 5.0.0.
                let top = match given {
                    3 => (v.0, v.1 + 1, 0),
                    _ => (v.0 + 1, 0, 0),
                };
                (Some(Bound(v, true)), Some(Bound(top, false)))
            }
        };
        if let Some(b) = new_lo {
            if b.0 > lo.0 || (b.0 == lo.0 && !b.1) {
                lo = b;
            }
        }
        if let Some(b) = new_hi {
            if hi.is_none_or(|h| b.0 < h.0 || (b.0 == h.0 && !b.1)) {
                hi = Some(b);
            }
        }
    }
    let empty = match hi {
        Some(h) => lo.0 > h.0 || (lo.0 == h.0 && (!lo.1 || !h.1 || excluded.contains(&lo.0))),
        None => false,
    };
    if empty {
        return Some("it admits no version at all".to_string());
    }
    let below_four = lo.0 < FOUR;
    let above_four = match hi {
        None => true,
        Some(h) => h.0 > FIVE || (h.0 == FIVE && h.1),
    };
    let no_four = lo.0 >= FIVE || hi.is_some_and(|h| h.0 < FOUR || (h.0 == FOUR && !h.1));
    if no_four {
        Some("it admits no 4.x release".to_string())
    } else if above_four {
        Some("it admits releases from 5.0 on, whose configuration sigc does not emit".to_string())
    } else if below_four {
        Some("it admits releases before 4.0, whose configuration sigc does not emit".to_string())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::azurerm_constraint_problem as p;

    #[test]
    fn only_constraints_inside_4x_pass() {
        for ok in [
            "~> 4.0",
            "~> 4.21",
            ">= 4.21, < 5.0",
            "= 4.81.0",
            "4.1",
            "~> 4.81.0",
            ">= 4.0, <= 4.99",
        ] {
            assert_eq!(p(ok), None, "{ok}");
        }
        for bad in [
            ">= 4.0",
            "~> 4.0, < 3.0",
            "> 4.0, < 4.0",
            "< 5.0",
            "~> 5.0",
            "= 4.1, != 4.1",
            ">= 4.0, <= 5.0",
        ] {
            assert!(p(bad).is_some(), "{bad}");
        }
    }
}
