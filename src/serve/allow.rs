//! The `[serve] allow` list: URL patterns compiled once into automata, so matching a URL costs
//! time linear in its length whatever the pattern (a recursive glob backtracked exponentially on
//! `http://*.*.*.example.com/*`, and a request could pin a core with one URL).

use regex_lite::Regex;

/// The longest target URL the exporter takes, in bytes. Real deployment URLs are far shorter;
/// anything longer is refused before it is parsed or matched.
pub(crate) const MAX_TARGET_URL: usize = 4096;

/// One compiled pattern. `*` stands for a run of characters within one part of the URL (never
/// `/`, `@`, `?` or `#`), so `https://*.example.com/*` cannot be satisfied by
/// `https://evil.test/x.example.com/` or `https://a.example.com@evil.test/`; a pattern that ends
/// in `/*` takes any path after it. The URL is compared in its normalised form.
#[derive(Debug, Clone)]
pub(crate) struct AllowPattern {
    regex: Regex,
}

impl AllowPattern {
    /// Compiles `pattern`; the error says why it cannot be used.
    pub(crate) fn new(pattern: &str) -> Result<AllowPattern, String> {
        let (head, any_path) = match pattern.strip_suffix("/*") {
            Some(head) => (head, true),
            None => (pattern, false),
        };
        let body: Vec<String> = head.split('*').map(regex_lite::escape).collect();
        // regex-lite runs a PikeVM or a bounded backtracker: O(pattern × URL), never exponential.
        let source = format!(
            "^{}{}$",
            body.join("[^/@?#]*"),
            if any_path { "(?:/.*)?" } else { "" }
        );
        let regex = Regex::new(&format!("(?s){source}"))
            .map_err(|e| format!("allow pattern {pattern:?} cannot be used: {e}"))?;
        Ok(AllowPattern { regex })
    }

    /// Whether `url` matches; a URL that does not parse matches nothing.
    pub(crate) fn matches(&self, url: &str) -> bool {
        match url::Url::parse(url) {
            Ok(parsed) => self.regex.is_match(parsed.as_str()),
            Err(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(pattern: &str, url: &str) -> bool {
        AllowPattern::new(pattern).unwrap().matches(url)
    }

    #[test]
    fn allow_patterns_match_with_stars() {
        assert!(allowed(
            "https://*.example.com/*",
            "https://api.example.com/"
        ));
        assert!(!allowed(
            "https://*.example.com/*",
            "https://api.example.org/"
        ));
        assert!(!allowed(
            "https://*.example.com/*",
            "http://api.example.com/"
        ));
        assert!(allowed(
            "https://api.example.com/",
            "https://api.example.com"
        ));
        assert!(!allowed(
            "https://api.example.com/*",
            "https://api.example.com.evil/"
        ));
        assert!(!allowed(
            "https://*.example.com/*",
            "https://evil.test/x.example.com/"
        ));
        assert!(!allowed(
            "https://*.example.com/*",
            "https://a.example.com@evil.test/"
        ));
        assert!(allowed(
            "wss://*.example.com/*",
            "wss://a.b.example.com/ws-test?x=1"
        ));
        // Regex syntax in a pattern is literal.
        assert!(!allowed(
            "https://a.example.com/*",
            "https://aXexample.com/"
        ));
        assert!(allowed(
            "http://h.test:8080/a+b/*",
            "http://h.test:8080/a+b/c"
        ));
    }

    #[test]
    fn a_pathological_pattern_is_linear() {
        let pattern = AllowPattern::new("http://*.*.*.*.example.com/*").unwrap();
        let url = format!("http://{}x/", "a.".repeat(MAX_TARGET_URL / 2 - 8));
        let start = std::time::Instant::now();
        assert!(!pattern.matches(&url));
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
    }
}
