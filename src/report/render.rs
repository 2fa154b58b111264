//! Markdown and HTML from the model, with minijinja. The HTML template's name ends in
//! `.html`, so minijinja escapes every value for HTML; only the SVG charts (built and
//! escaped in `chart.rs`) and the embedded CSS are inserted as markup. Markdown cells go
//! through the `md` filter, which keeps a value on one table row and inert.

use super::ReportError;
use super::model::Handover;
use minijinja::value::Serde;
use minijinja::{Environment, Value, context};

const MD: &str = include_str!("../../assets/report/handover.md.j2");
const HTML: &str = include_str!("../../assets/report/handover.html.j2");
const CSS: &str = include_str!("../../assets/report/handover.css");

/// Escapes text for a GitHub Markdown table cell: no pipes, no raw HTML, no emphasis or
/// code spans opened by data, one line.
pub fn md_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
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

fn env() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.add_filter("md", |s: String| md_cell(&s));
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
