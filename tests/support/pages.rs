//! The examples on the rule pages `rules/<id>.md`.

/// The code blocks of one section of a rule page: ```` ```sql setup ```` is an earlier migration, ```` ```sql ````
/// the migration under test; for the rules about applied history, ```` ```sql applied ```` / ```` ```sql failed ````
/// give the content the migration under test was recorded with, ```` ```sql later ```` an applied migration sorting
/// after it.
#[derive(Default)]
pub struct Example {
    pub setup: String,
    pub migration: String,
    pub applied: String,
    pub failed: String,
    pub later: String,
    /// ```` ```prisma ````: the schema.prisma beside the migrations (for schema-drift).
    pub schema: String,
}

/// The code blocks of one section of a page.
pub fn example(doc: &str, section: &str) -> Example {
    let start = doc
        .find(&format!("## {section}\n"))
        .unwrap_or_else(|| panic!("no `## {section}` section"));
    let body = &doc[start + section.len() + 4..];
    let body = &body[..body.find("\n## ").unwrap_or(body.len())];
    let mut ex = Example::default();
    let mut rest = body;
    while let Some(open) = rest.find("```sql").or_else(|| rest.find("```prisma")) {
        let open = rest.find("```prisma").filter(|p| *p < open).unwrap_or(open);
        let after = &rest[open + 3..];
        let (info, code) = after.split_once('\n').expect("code block");
        let end = code.find("```").expect("closed code block");
        match info.trim().trim_start_matches("sql").trim() {
            "prisma" => ex.schema.push_str(&code[..end]),
            "setup" => ex.setup.push_str(&code[..end]),
            "" => ex.migration.push_str(&code[..end]),
            "applied" => ex.applied.push_str(&code[..end]),
            "failed" => ex.failed.push_str(&code[..end]),
            "later" => ex.later.push_str(&code[..end]),
            other => panic!("unknown code block tag `{other}`"),
        }
        rest = &code[end + 3..];
    }
    assert!(
        !ex.migration.is_empty(),
        "`## {section}` has no ```sql block"
    );
    ex
}
