//! A short summary of how a migration's text changed since it was applied: lines added and removed, and the first
//! changed line. Line endings are ignored, so a file that was both edited and converted to CRLF shows only the edit.

/// Above this many line pairs the middle of the diff is not aligned; the counts become an upper bound.
const MAX_ALIGNED_PAIRS: usize = 4_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineDiff {
    pub added: usize,
    pub removed: usize,
    /// 1-based line in the new text where the first difference is (clamped to its last line).
    pub first_changed_line: usize,
    /// False when the texts were too large to align and the counts are upper bounds.
    pub exact: bool,
}

pub fn line_diff(old: &str, new: &str) -> LineDiff {
    let old: Vec<&str> = lines(old);
    let new: Vec<&str> = lines(new);
    let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let old_mid = &old[prefix..old.len() - suffix];
    let new_mid = &new[prefix..new.len() - suffix];
    let (common, exact) = if old_mid.len().saturating_mul(new_mid.len()) <= MAX_ALIGNED_PAIRS {
        (lcs_len(old_mid, new_mid), true)
    } else {
        (0, false)
    };
    LineDiff {
        added: new_mid.len() - common,
        removed: old_mid.len() - common,
        first_changed_line: (prefix + 1).min(new.len().max(1)),
        exact,
    }
}

/// Lines without their terminators; a final line break does not start another line.
fn lines(text: &str) -> Vec<&str> {
    let mut out: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    if text.ends_with('\n') {
        out.pop();
    }
    out
}

/// Length of the longest common subsequence of lines, in one row of memory.
fn lcs_len(a: &[&str], b: &[&str]) -> usize {
    let mut row = vec![0usize; b.len() + 1];
    for x in a {
        let mut diagonal = 0;
        for (j, y) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if x == y {
                diagonal + 1
            } else {
                above.max(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_changed_line_is_one_added_one_removed() {
        let d = line_diff("a\nb\nc\n", "a\nB\nc\n");
        assert_eq!((d.added, d.removed, d.first_changed_line), (1, 1, 2));
        assert!(d.exact);
    }

    #[test]
    fn inserted_comment_at_top() {
        let d = line_diff("a\nb\n", "-- note\na\nb\n");
        assert_eq!((d.added, d.removed, d.first_changed_line), (1, 0, 1));
    }

    #[test]
    fn lines_removed_at_the_end_point_at_the_last_line() {
        let d = line_diff("a\nb\nc\n", "a\n");
        assert_eq!((d.added, d.removed, d.first_changed_line), (0, 2, 1));
    }

    #[test]
    fn line_endings_are_not_changes_but_edits_inside_them_are() {
        let d = line_diff("a\nb\nc\n", "a\r\nx\r\nc\r\n");
        assert_eq!((d.added, d.removed, d.first_changed_line), (1, 1, 2));
    }

    #[test]
    fn moved_block_is_aligned() {
        let d = line_diff("a\nb\nc\nd\n", "b\nc\nd\na\n");
        assert_eq!((d.added, d.removed, d.first_changed_line), (1, 1, 1));
    }

    #[test]
    fn huge_rewrites_stay_bounded_and_say_so() {
        let old: String = (0..3000).map(|i| format!("old {i}\n")).collect();
        let new: String = (0..3000).map(|i| format!("new {i}\n")).collect();
        let d = line_diff(&old, &new);
        assert_eq!((d.added, d.removed, d.exact), (3000, 3000, false));
    }
}
