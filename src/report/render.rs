//! Markdown and HTML from the model, with minijinja. The HTML template's name ends in
//! `.html`, so minijinja escapes every value for HTML; only the SVG charts (built and
//! escaped in `chart.rs`) and the embedded CSS are inserted as markup. Markdown cells go
//! through the `md` filter, which keeps a value on one table row and inert; names shown
//! as code (variables, credentials, previews) go through `code` (`code_line` outside a
//! table), which shows them exactly as typed.

use super::ReportError;
use super::model::Handover;
use minijinja::value::Serde;
use minijinja::{Environment, Value, context};

const MD: &str = include_str!("../../assets/report/handover.md.j2");
const HTML: &str = include_str!("../../assets/report/handover.html.j2");
const CSS: &str = include_str!("../../assets/report/handover.css");

/// Escapes text for a GitHub Markdown table cell: no pipes, no raw HTML, no emphasis or
/// code spans opened by data, one line. Only what would change the rendering is escaped,
/// since a reader of the raw file sees every backslash: an underscore between two letters
/// or digits (`DATABASE_URL`) can neither open nor close emphasis, so it stays bare.
pub fn md_cell(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '_' if intraword(&chars, i) => out.push('_'),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

/// True when the character at `i` has a letter or digit on both sides.
fn intraword(chars: &[char], i: usize) -> bool {
    let alnum = |j: Option<usize>| {
        j.and_then(|j| chars.get(j))
            .is_some_and(|c| c.is_alphanumeric())
    };
    alnum(i.checked_sub(1)) && alnum(Some(i + 1))
}

/// `s` as a Markdown code span for a table cell: shown exactly as typed (a code span
/// takes no backslash escapes and no HTML, so `md_cell` would show its backslashes),
/// fenced with more backticks than `s` holds in a row, on one line, and with its pipes
/// escaped, the one escape GitHub applies inside a span in a table.
pub fn md_code(s: &str) -> String {
    code_span(s, true)
}

/// `s` as a Markdown code span outside a table, where a pipe needs no escape.
pub fn md_code_line(s: &str) -> String {
    code_span(s, false)
}

fn code_span(s: &str, in_table: bool) -> String {
    let text: String = s
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    if text.is_empty() {
        return String::new();
    }
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    // A span that starts or ends with a backtick needs a space to keep it off the fence;
    // one that starts and ends with a space would lose them, so it gets one more.
    let pad = text.starts_with('`')
        || text.ends_with('`')
        || (text.starts_with(' ') && text.ends_with(' ') && text.trim() != "");
    let body = if in_table {
        text.replace('|', "\\|")
    } else {
        text
    };
    let sp = if pad { " " } else { "" };
    format!("{fence}{sp}{body}{sp}{fence}")
}

fn env() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.add_filter("md", |s: String| md_cell(&s));
    env.add_filter("code", |s: String| md_code(&s));
    env.add_filter("code_line", |s: String| md_code_line(&s));
    env.add_filter("list_md", |v: Vec<String>| {
        v.iter()
            .map(|s| md_cell(s))
            .collect::<Vec<_>>()
            .join("<br>")
    });
    env.add_filter("lines", |s: String| {
        s.lines().map(str::to_string).collect::<Vec<_>>()
    });
    env
}

fn render_one(
    name: &str,
    source: &str,
    pack: &Handover,
    format: &'static str,
) -> Result<String, ReportError> {
    let mut env = env();
    let fail = |e: minijinja::Error| ReportError::Render {
        format,
        message: format!("{e:#}"),
    };
    env.add_template_owned(name.to_string(), source.to_string())
        .map_err(fail)?;
    let tmpl = env.get_template(name).map_err(fail)?;
    // The charts are skipped by serde (they are not data); the HTML gets them here.
    let mut value = serde_json::to_value(pack).map_err(|e| ReportError::Render {
        format,
        message: e.to_string(),
    })?;
    value["performance"]["data"]["chart_svg"] = pack.performance.data.chart_svg.clone().into();
    value["monitoring"]["data"]["chart_svg"] = pack.monitoring.data.chart_svg.clone().into();
    tmpl.render(context! { p => Value::from(Serde(value)), css => CSS })
        .map_err(fail)
}

pub fn markdown(pack: &Handover) -> Result<String, ReportError> {
    render_one("handover.md", MD, pack, "md")
}

pub fn html(pack: &Handover) -> Result<String, ReportError> {
    render_one("handover.html", HTML, pack, "html")
}
