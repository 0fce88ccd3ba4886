//! PostgreSQL's type facts: which column type changes need no rewrite of the table.

/// PostgreSQL can change `old` to `new` without rewriting the table or scanning it (a binary-coercible change, or a
/// typmod change its support functions accept). Only proven cases are listed; anything else counts as a rewrite.
/// Each case was checked on PostgreSQL 15 (the relfilenode stays the same); `char(n)` → `text` does rewrite (its
/// cast strips trailing spaces), so it is not listed.
pub fn is_binary_coercible(old: &str, new: &str) -> bool {
    if old == new {
        return true;
    }
    let (old_base, old_args) = split_type(old);
    let (new_base, new_args) = split_type(new);
    match (old_base, new_base) {
        // Raising or removing the length limit; varchar and text share their representation.
        ("varchar", "varchar") => match (old_args.as_slice(), new_args.as_slice()) {
            (_, []) => true,
            ([n], [m]) => m >= n,
            _ => false,
        },
        ("varchar", "text") => true,
        ("text", "varchar") => new_args.is_empty(),
        // Same as varchar: a longer or no length limit (tests/truth.rs checks it on PostgreSQL).
        ("varbit", "varbit") => match (old_args.as_slice(), new_args.as_slice()) {
            (_, []) => true,
            ([n], [m]) => m >= n,
            _ => false,
        },
        // Same scale and no lower precision; or no limit at all.
        ("numeric", "numeric") => match (old_args.as_slice(), new_args.as_slice()) {
            (_, []) => true,
            ([p], [p2]) => p2 >= p,
            ([p], [p2, 0]) => p2 >= p,
            ([p, s], [p2, s2]) => s2 == s && p2 >= p,
            _ => false,
        },
        // Every cidr value is a valid inet (checked on PostgreSQL 15: no rewrite).
        ("cidr", "inet") => true,
        // More fractional-second digits (or the default 6) keep every value (time and interval checked on
        // PostgreSQL 15: no rewrite).
        ("timestamp", "timestamp")
        | ("timestamptz", "timestamptz")
        | ("time", "time")
        | ("timetz", "timetz")
        | ("interval", "interval") => match (old_args.as_slice(), new_args.as_slice()) {
            (_, []) => true,
            ([p], [p2]) => p2 >= p,
            _ => false,
        },
        _ => false,
    }
}

/// `numeric(10,2)` → (`numeric`, [10, 2]); unparsable arguments make the type opaque (no args, unequal base).
fn split_type(ty: &str) -> (&str, Vec<u32>) {
    let Some(open) = ty.find('(') else {
        return (ty, Vec::new());
    };
    if !ty.ends_with(')') {
        return (ty, Vec::new());
    }
    let args: Option<Vec<u32>> = ty[open + 1..ty.len() - 1]
        .split(',')
        .map(|a| a.trim().parse().ok())
        .collect();
    match args {
        Some(args) => (&ty[..open], args),
        None => (ty, Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_proven_type_changes_are_binary_coercible() {
        assert!(is_binary_coercible("varchar(10)", "varchar(20)"));
        assert!(is_binary_coercible("varchar(10)", "varchar"));
        assert!(is_binary_coercible("varchar(10)", "text"));
        assert!(is_binary_coercible("numeric(10,2)", "numeric(12,2)"));
        assert!(is_binary_coercible("numeric(10,2)", "numeric"));
        assert!(is_binary_coercible("timestamp(3)", "timestamp(6)"));
        assert!(is_binary_coercible("timestamptz(3)", "timestamptz"));
        assert!(!is_binary_coercible("varchar(20)", "varchar(10)"));
        assert!(!is_binary_coercible("text", "varchar(10)"));
        assert!(!is_binary_coercible("numeric(10,2)", "numeric(12,3)"));
        assert!(!is_binary_coercible("integer", "bigint"));
        assert!(!is_binary_coercible("timestamp(3)", "timestamptz(3)"));
        assert!(!is_binary_coercible("timestamp(6)", "timestamp(3)"));
        assert!(!is_binary_coercible("char(10)", "text"));
        assert!(!is_binary_coercible("varchar(10)[]", "varchar(20)[]"));
        assert!(is_binary_coercible("varbit(8)", "varbit(16)"));
        assert!(is_binary_coercible("varbit(8)", "varbit"));
        assert!(!is_binary_coercible("varbit(16)", "varbit(8)"));
    }
}
