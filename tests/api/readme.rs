//! The README's promises that can drift from the code.

use std::collections::BTreeSet;

use ovh_renew::models::AccessRule;

/// The `| method | path |` rows of the README section `heading`, as `METHOD /path` pairs
/// (each backquoted path of a row; parenthesised remarks ignored).
fn table_rules(heading: &str) -> BTreeSet<String> {
    let readme = include_str!("../../README.md");
    let start = readme.find(heading).expect("the README has the section");
    let section = &readme[start + heading.len()..];
    let section = &section[..section.find("\n#").unwrap_or(section.len())];
    let mut rules = BTreeSet::new();
    for row in section.lines().filter(|l| l.starts_with("| ")) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let method = cells[1];
        if method == "method" || method.starts_with("---") {
            continue;
        }
        for (i, part) in cells[2].split('`').enumerate() {
            if i % 2 == 1 {
                rules.insert(format!("{method} {part}"));
            }
        }
    }
    rules
}

fn preset(rules: Vec<AccessRule>) -> BTreeSet<String> {
    rules
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

#[test]
fn the_readme_access_rule_table_is_exactly_renewal_flow() {
    let table = table_rules("### Access rules for the renewal flow");
    assert!(table.len() >= 10, "{table:?}");
    assert_eq!(table, preset(AccessRule::renewal_flow()));
}
