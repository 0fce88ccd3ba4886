//! Helpers shared by integration tests.

#![allow(dead_code)]

/// The `sql setup` (earlier migration) and `sql` (migration under test) blocks of one section of a page.
pub fn example(doc: &str, section: &str) -> (String, String) {
    let start = doc
        .find(&format!("## {section}\n"))
        .unwrap_or_else(|| panic!("no `## {section}` section"));
    let body = &doc[start + section.len() + 4..];
    let body = &body[..body.find("\n## ").unwrap_or(body.len())];
    let (mut setup, mut migration) = (String::new(), String::new());
    let mut rest = body;
    while let Some(open) = rest.find("```sql") {
        let after = &rest[open + 6..];
        let (info, code) = after.split_once('\n').expect("code block");
        let end = code.find("```").expect("closed code block");
        match info.trim() {
            "setup" => setup.push_str(&code[..end]),
            "" => migration.push_str(&code[..end]),
            other => panic!("unknown code block tag `{other}`"),
        }
        rest = &code[end + 3..];
    }
    assert!(!migration.is_empty(), "`## {section}` has no ```sql block");
    (setup, migration)
}
