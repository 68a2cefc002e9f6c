//! `sku/capacity-not-offered`.

use crate::policy::{declare_rule, RuleCx};

declare_rule! {
    /// ## What it does
    /// Checks that `signalr.capacity`, and each replica's `capacity`, is a unit count sold for
    /// the chosen `signalr.sku`.
    ///
    /// ## Why it matters
    /// azurerm validates capacity only against the union of all SKUs' lists, so a plan
    /// looks fine and Azure rejects the deployment at apply time (facts, pitfall P4).
    ///
    /// ## Example
    /// ```toml
    /// [signalr]
    /// sku = "Free_F1"
    /// capacity = 2
    /// ```
    ///
    /// ## How to fix
    /// Pick a unit count the SKU offers (listed in `schemas/azure-limits.toml`), or a
    /// SKU that offers the units you need.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-signalr/signalr-howto-scale-signalr
    "sku/capacity-not-offered", azure_limit, production = error, development = error, check = check
}

fn check(cx: &mut RuleCx<'_>) {
    let s = &cx.env.signalr;
    let sku = cx.limits.sku(&s.sku.value).expect("schema admits only listed SKUs");
    // The primary's units, then each replica's (a replica bills its own units of the same SKU).
    let capacities = std::iter::once((&s.capacity, "signalr".to_string())).chain(
        s.replicas
            .iter()
            .map(|r| (&r.capacity, format!("replica.{}", r.location.value))),
    );
    for (capacity, resource) in capacities {
        if !capacity.explicit || sku.capacity_allowed.contains(&capacity.value) {
            continue;
        }
        let offered = describe(&sku.capacity_allowed);
        let nearest = sku
            .capacity_allowed
            .iter()
            .copied()
            .find(|&c| c >= capacity.value)
            .unwrap_or(*sku.capacity_allowed.last().expect("every SKU offers a capacity"));
        let d = cx
            .diagnostic(format!(
                "capacity `{}` is not offered by SKU `{}`",
                capacity.value, s.sku.value
            ))
            .resource(resource)
            .primary(capacity.span.clone(), "unsupported unit count")
            .secondary(s.sku.span.clone(), format!("`{}` offers {offered}", s.sku.value))
            .help(format!(
                "set `capacity = {nearest}`, or choose a SKU that offers {} units",
                capacity.value
            ));
        cx.emit(d);
    }
}

/// `1-10, 20-100 by 10` style description of a capacity list.
pub fn describe(list: &[u32]) -> String {
    match list {
        [one] => format!("exactly {one} unit"),
        _ => {
            let mut parts = Vec::new();
            let mut i = 0;
            while i < list.len() {
                let mut j = i;
                let step = list.get(i + 1).map(|n| n - list[i]);
                while let Some(step) = step {
                    if j + 1 < list.len() && list[j + 1] - list[j] == step {
                        j += 1;
                    } else {
                        break;
                    }
                }
                match (j - i, step) {
                    (0, _) => parts.push(list[i].to_string()),
                    (_, Some(1)) => parts.push(format!("{}-{}", list[i], list[j])),
                    (_, Some(step)) => parts.push(format!("{}-{} by {step}", list[i], list[j])),
                    _ => parts.push(list[i].to_string()),
                }
                i = j + 1;
            }
            format!("{} units", parts.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn describes_capacity_lists() {
        assert_eq!(super::describe(&[1]), "exactly 1 unit");
        let s1: Vec<u32> = (1..=10).chain((20..=100).step_by(10)).collect();
        assert_eq!(super::describe(&s1), "1-10, 20-100 by 10 units");
        let p2: Vec<u32> = (100..=1000).step_by(100).collect();
        assert_eq!(super::describe(&p2), "100-1000 by 100 units");
    }
}
