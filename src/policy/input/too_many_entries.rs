//! `input/too-many-entries`: a fixed error reported by the parser.

use crate::policy::declare_rule;

declare_rule! {
    /// ## What it does
    /// A list or table with more entries than allowed.
    ///
    /// ## Why it matters
    /// Azure limits tags to 50 per resource (sigc adds 3), and lists are bounded.
    /// `[functions] app_settings` takes at most 1000 entries: Azure sets no count, but
    /// every target carries the whole set, and a file of 100,000 settings would take
    /// minutes to build. Past the limit the entries are not checked one by one.
    ///
    /// ## Example
    /// ```toml
    /// [environment.tags]
    /// # 48 tags or more
    /// ```
    ///
    /// ## How to fix
    /// Remove entries until the count is within the limit.
    ///
    /// ## Source
    /// https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/tag-resources#limitations
    "input/too-many-entries", fixed
}
