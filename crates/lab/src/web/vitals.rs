//! Pages for the web-vitals check (`perf.web_vitals`), served by `www.brightdesk.test`
//! under `/vitals/`: one page a phone loads quickly and one page per defect Lighthouse
//! measures, so each finding of the check has a page that shows it and one that does not.
//!
//! The defects are built from what the lab controls: response delay, body size, and
//! markup. The hero image is an uncompressed BMP drawn at run time (no image file in the
//! tree, no encoder dependency); the heavy script is generated text sent without
//! compression; the late banner is inserted by an inline script after the page painted.

use std::fmt::Write as _;

/// One answer of the vitals pages; `site` turns it into the lab's reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// Answer after this many milliseconds.
    pub delay_ms: u64,
}

impl Page {
    fn new(content_type: &'static str, body: impl Into<Vec<u8>>) -> Page {
        Page {
            content_type,
            body: body.into(),
            delay_ms: 0,
        }
    }

    fn late(self) -> Page {
        Page {
            delay_ms: LATE_MS,
            ..self
        }
    }
}

/// Path prefix of the vitals pages.
pub const PREFIX: &str = "/vitals/";

/// The pages, as (path, what Lighthouse should find there).
pub const PAGES: &[(&str, &str)] = &[
    ("/vitals/good", "fast page: no finding"),
    (
        "/vitals/hero",
        "large unoptimised hero image served late: LCP over budget, images unoptimised",
    ),
    (
        "/vitals/shift",
        "banner inserted above the content after first paint: CLS over budget",
    ),
    (
        "/vitals/heavy-script",
        "2 MB script sent uncompressed and busy on load: TBT over budget, score low",
    ),
    (
        "/vitals/blocking-css",
        "stylesheet in the head answered late: render blocked, LCP over budget",
    ),
];

/// Delay of the hero image and of the blocking stylesheet.
pub const LATE_MS: u64 = 2500;
/// Hero image size in pixels (shown 360 px wide).
pub const HERO_W: u32 = 1200;
pub const HERO_H: u32 = 800;
/// Approximate size of the heavy script.
pub const HEAVY_SCRIPT_BYTES: usize = 2 * 1024 * 1024;
/// Approximate size of the blocking stylesheet: what a phone on a slow link needs
/// seconds to fetch (a delay alone does not count: Lighthouse's simulation models the
/// network from sizes and round trips, not from how long the lab waited).
pub const BLOCKING_CSS_BYTES: usize = 480 * 1024;

const HTML: &str = "text/html; charset=utf-8";

/// The lab's answer for `path` when it is one of the vitals pages or their assets (every
/// one a 200, revalidated on each visit).
pub fn reply(path: &str) -> Option<Page> {
    if !path.starts_with(PREFIX) {
        return None;
    }
    let r = match path {
        "/vitals/good" => page(
            "Fast page",
            "",
            "<p>Everything a visitor needs, quickly.</p>",
        ),
        "/vitals/hero" => page(
            "Hero image",
            "",
            "<img src=\"/vitals/hero.bmp\" width=\"360\" height=\"240\" alt=\"Brightdesk team\">\
             <p>Welcome to Brightdesk.</p>",
        ),
        "/vitals/hero.bmp" => Page::new("image/bmp", hero_bmp()).late(),
        "/vitals/shift" => page("Late banner", "", &shift_body()),
        "/vitals/heavy-script" => page(
            "Heavy script",
            "<script src=\"/vitals/heavy.js\"></script>",
            "<p>The page waits for a large script.</p>",
        ),
        "/vitals/heavy.js" => Page::new("text/javascript", heavy_script()),
        "/vitals/blocking-css" => page(
            "Blocking stylesheet",
            "<link rel=\"stylesheet\" href=\"/vitals/late.css\">",
            "<h1>Brightdesk</h1><p>Nothing shows until the stylesheet arrives.</p>",
        ),
        "/vitals/late.css" => Page::new("text/css", blocking_css()).late(),
        _ => return None,
    };
    Some(r)
}

fn page(title: &str, head: &str, body: &str) -> Page {
    Page::new(
        HTML,
        format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{title}</title><meta name=\"description\" content=\"{title}\">{head}</head>\
             <body>{body}</body></html>"
        ),
    )
}

/// Text that fills the first screen, then a banner pushed in above it once the page has
/// painted: everything visible moves down by the banner's height.
fn shift_body() -> String {
    let para = "<p style=\"font-size:18px\">Brightdesk keeps every customer conversation in one place, \
                so a small team answers faster and nothing falls through.</p>";
    format!(
        "<main>{}</main><script>setTimeout(function(){{var b=document.createElement('div');\
         b.style.height='420px';b.style.background='#fc3';b.textContent='Spring offer';\
         document.body.insertBefore(b,document.body.firstChild);}},1200);</script>",
        para.repeat(12)
    )
}

/// A 24-bit uncompressed BMP: a gradient, many times larger than the 360 px it is shown
/// at, in a format no browser needs today.
pub fn hero_bmp() -> Vec<u8> {
    let (w, h) = (HERO_W, HERO_H);
    let row = (w * 3).next_multiple_of(4);
    let size = 54 + row * h;
    let mut out = Vec::with_capacity(size as usize);
    out.extend_from_slice(b"BM");
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&54u32.to_le_bytes());
    out.extend_from_slice(&40u32.to_le_bytes());
    out.extend_from_slice(&w.to_le_bytes());
    out.extend_from_slice(&h.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&24u16.to_le_bytes());
    out.extend_from_slice(&[0; 24]);
    for y in 0..h {
        let start = out.len();
        for x in 0..w {
            // Low bytes only: the values wrap on purpose.
            #[allow(clippy::cast_possible_truncation)]
            let px = [
                (x * 255 / w) as u8,
                (y * 255 / h) as u8,
                ((x + y) % 256) as u8,
            ];
            out.extend_from_slice(&px);
        }
        out.resize(start + row as usize, 0);
    }
    out
}

/// About 2 MB of script: a long table of strings the engine must parse, and a loop that
/// keeps the main thread busy when it runs.
pub fn heavy_script() -> String {
    let mut s = String::with_capacity(HEAVY_SCRIPT_BYTES + 256);
    s.push_str("var bdCopy=[\n");
    let line = "\"Brightdesk keeps every customer conversation in one place for small teams.\",\n";
    while s.len() < HEAVY_SCRIPT_BYTES {
        s.push_str(line);
    }
    // Busy after the first paint, in several long tasks: blocking time counts from then.
    s.push_str(
        "\"\"];\nwindow.bdBusy=0;for(var i=0;i<6;i++){setTimeout(function(){var end=Date.now()+150;\
         while(Date.now()<end){window.bdBusy+=Math.sqrt(window.bdBusy+1);}},50+i*10);}\n",
    );
    s
}

/// A large stylesheet of distinct rules, so the page cannot paint until it has all of it.
pub fn blocking_css() -> String {
    let mut s = String::with_capacity(BLOCKING_CSS_BYTES + 128);
    s.push_str("h1{color:#224}p{line-height:1.5}\n");
    let mut i = 0u32;
    while s.len() < BLOCKING_CSS_BYTES {
        let _ = writeln!(
            s,
            ".bd-card-{i}>.bd-title{{margin:{}px {}px;color:#{:06x}}}",
            i % 17,
            i % 23,
            i.wrapping_mul(2_654_435_761) & 0x00ff_ffff
        );
        i += 1;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_answers_and_other_paths_fall_through() {
        for (path, _) in PAGES {
            let r = reply(path).expect(path);
            assert!(!r.body.is_empty(), "{path}");
        }
        assert!(reply("/").is_none());
        assert!(reply("/vitals/nope").is_none());
    }

    #[test]
    fn the_hero_is_a_well_formed_bmp_and_the_script_is_large() {
        let bmp = hero_bmp();
        assert_eq!(&bmp[..2], b"BM");
        let declared = u32::from_le_bytes([bmp[2], bmp[3], bmp[4], bmp[5]]);
        assert_eq!(declared as usize, bmp.len());
        assert!(bmp.len() > 2_000_000);
        let js = heavy_script();
        assert!(js.len() >= HEAVY_SCRIPT_BYTES && js.len() < HEAVY_SCRIPT_BYTES + 1024);
        assert!(blocking_css().len() >= BLOCKING_CSS_BYTES);
    }
}
