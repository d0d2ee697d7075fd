//! The report as one self-contained HTML file, made from the Markdown: charts inlined as SVG,
//! styles inlined, laid out for A4 so a browser's "Print → Save as PDF" gives a clean document.
//!
//! The Markdown already escapes free text, but the HTML is made safe on its own terms as well,
//! because a replacement template may not: raw HTML in the Markdown is written out as visible
//! text, never as markup, and a link or image may only point at `http`, `https`, `mailto` or a
//! relative address; anything else (`javascript:`, `data:`, `vbscript:` …) becomes `#`.

use std::path::Path;

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};

use super::ReportError;

/// The styles of the HTML report: screen and print.
const STYLE: &str = include_str!("templates/report.css");

/// Renders `markdown` (the report, whose chart links are relative to `dir`) as a complete HTML
/// document titled `title`.
pub fn to_html(markdown: &str, title: &str, dir: &Path) -> Result<String, ReportError> {
    let mut events = Vec::new();
    let mut parser = Parser::new_ext(markdown, Options::ENABLE_TABLES);
    while let Some(event) = parser.next() {
        match event {
            Event::Html(raw) | Event::InlineHtml(raw) => events.push(Event::Text(raw)),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => match inline_chart(&dest_url, dir)? {
                Some(svg) => {
                    // The alt text is inside the SVG already (<title> and <desc>).
                    for inner in parser.by_ref() {
                        if matches!(inner, Event::End(TagEnd::Image)) {
                            break;
                        }
                    }
                    events.push(Event::InlineHtml(CowStr::from(format!(
                        "<span class=\"chart\">{svg}</span>"
                    ))));
                }
                None => events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url: safe_url(dest_url),
                    title,
                    id,
                })),
            },
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => events.push(Event::Start(Tag::Link {
                link_type,
                dest_url: safe_url(dest_url),
                title,
                id,
            })),
            other => events.push(other),
        }
    }
    let mut body = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut body, events.into_iter());
    Ok(format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n{body}</main>\n\
         </body>\n</html>\n",
        escape_text(title)
    ))
}

/// The SVG beside a chart PNG the report links (`charts/<name>.png`), ready to inline; `None`
/// for any other image. Only names the report itself writes are followed.
fn inline_chart(dest: &str, dir: &Path) -> Result<Option<String>, ReportError> {
    let Some(name) = dest
        .strip_prefix("charts/")
        .and_then(|rest| rest.strip_suffix(".png"))
    else {
        return Ok(None);
    };
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Ok(None);
    }
    let path = dir.join("charts").join(format!("{name}.svg"));
    if !path.is_file() {
        return Ok(None);
    }
    let svg = std::fs::read_to_string(&path).map_err(|source| ReportError::Io {
        path: path.clone(),
        source,
    })?;
    let start = svg.find("<svg").unwrap_or(0);
    Ok(Some(svg[start..].trim_end().to_string()))
}

/// `url` when it is relative or uses a scheme that cannot run code; `#` otherwise.
fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    // Browsers ignore control characters and spaces inside a scheme ("java\tscript:").
    let compact: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    let scheme_end = compact.find(':');
    let path_start = compact.find(['/', '?', '#']);
    let has_scheme = match (scheme_end, path_start) {
        (Some(colon), Some(path)) => colon < path,
        (Some(_), None) => true,
        (None, _) => false,
    };
    let allowed = !has_scheme
        || ["http:", "https:", "mailto:"]
            .iter()
            .any(|scheme| compact.starts_with(scheme));
    if allowed {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

fn escape_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(markdown: &str) -> String {
        to_html(markdown, "T", Path::new("/nonexistent")).unwrap()
    }

    #[test]
    fn raw_html_is_shown_not_run() {
        let html = render("Hello <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n");
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("<img src=x"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn only_harmless_link_schemes_survive() {
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "java\tscript:alert(1)",
            "vbscript:msgbox",
            "data:text/html;base64,PHNjcmlwdD4=",
        ] {
            let html = render(&format!("[x](<{bad}>) ![y](<{bad}>)"));
            assert!(!html.to_lowercase().contains("script:"), "{bad}: {html}");
            assert!(!html.contains("data:"), "{bad}: {html}");
        }
        for good in [
            "https://example.org/a",
            "mailto:a@example.org",
            "charts/x.png",
            "#appendix",
        ] {
            let html = render(&format!("[x]({good})"));
            assert!(html.contains(&format!("href=\"{good}\"")), "{good}: {html}");
        }
    }

    #[test]
    fn a_chart_link_without_its_svg_stays_an_image() {
        let html = render("![Alt words](charts/benefits.png)");
        assert!(html.contains("<img src=\"charts/benefits.png\" alt=\"Alt words\""));
    }

    #[test]
    fn charts_are_inlined_from_their_svg() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("charts")).unwrap();
        std::fs::write(
            dir.path().join("charts/benefits.svg"),
            "<svg role=\"img\"><title>B</title></svg>\n",
        )
        .unwrap();
        let html = to_html("![Alt](charts/benefits.png)\n", "T", dir.path()).unwrap();
        assert!(
            html.contains("<span class=\"chart\"><svg role=\"img\"><title>B</title></svg></span>"),
            "{html}"
        );
        assert!(!html.contains("<img"), "{html}");
        // A name the report never writes is not followed out of the folder.
        let html = to_html("![Alt](charts/../secret.png)\n", "T", dir.path()).unwrap();
        assert!(html.contains("<img"), "{html}");
    }

    #[test]
    fn the_document_is_complete_and_escapes_its_title() {
        let html = render("# Hi");
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<title>T</title>"));
        assert!(html.contains("@media print"));
        let html = to_html("x", "A <b> & c", Path::new("/none")).unwrap();
        assert!(html.contains("<title>A &lt;b&gt; &amp; c</title>"));
    }
}
