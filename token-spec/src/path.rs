//! Bracket paths (`card[exp_month]`, `person[dob][day]`): the grammar the spec files write
//! their parameters in.

/// Splits a bracket path into its segments: `a[b][c]` → `["a", "b", "c"]`.
/// Returns `None` when the path is not well formed.
pub fn split_path(path: &str) -> Option<Vec<&str>> {
    let (head, mut rest) = match path.find('[') {
        Some(i) => (&path[..i], &path[i..]),
        None => (path, ""),
    };
    if head.is_empty() || head.contains(']') {
        return None;
    }
    let mut out = vec![head];
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[')?;
        let end = inner.find(']')?;
        let seg = &inner[..end];
        if seg.is_empty() || seg.contains('[') {
            return None;
        }
        out.push(seg);
        rest = &inner[end + 1..];
    }
    Some(out)
}

/// Joins a path relative to `parent` onto it, in bracket notation: (`card`, `number`) →
/// `card[number]`, (`person`, `dob[day]`) → `person[dob][day]`; an empty parent gives `rel`.
pub fn join_path(parent: &str, rel: &str) -> String {
    if parent.is_empty() {
        return rel.to_string();
    }
    // `parent[rel]`, or `parent[head]rest` for a `rel` of several segments: pushed, not
    // formatted (an unknown parameter's path is built on the way to its error).
    let (head, rest) = rel.split_at(rel.bytes().position(|b| b == b'[').unwrap_or(rel.len()));
    let mut out = String::with_capacity(parent.len() + rel.len() + 2);
    out.push_str(parent);
    out.push('[');
    out.push_str(head);
    out.push(']');
    out.push_str(rest);
    out
}

/// The path of `full` relative to `base`, the inverse of [`join_path`]:
/// (`person`, `person[dob][day]`) → `dob[day]`. `full` must start with `base`.
pub fn relative_path(base: &str, full: &str) -> String {
    if base.is_empty() {
        return full.to_string();
    }
    let rest = full.get(base.len()..).unwrap_or("");
    // `[a][b]` → `a[b]`
    let rest = rest.strip_prefix('[').unwrap_or(rest);
    match rest.find(']') {
        Some(i) => format!("{}{}", &rest[..i], &rest[i + 1..]),
        None => rest.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_paths() {
        assert_eq!(split_path("a"), Some(vec!["a"]));
        assert_eq!(split_path("a[b][c]"), Some(vec!["a", "b", "c"]));
        assert_eq!(split_path("a[b"), None);
        assert_eq!(split_path("a[]"), None);
        assert_eq!(split_path("[a]"), None);
        assert_eq!(split_path("a[b]c"), None);
    }

    #[test]
    fn join_and_relative() {
        assert_eq!(join_path("", "card"), "card");
        assert_eq!(join_path("card", "number"), "card[number]");
        assert_eq!(join_path("person", "dob[day]"), "person[dob][day]");
        assert_eq!(relative_path("person", "person[dob][day]"), "dob[day]");
        assert_eq!(relative_path("card", "card[number]"), "number");
        assert_eq!(relative_path("", "card"), "card");
    }
}
