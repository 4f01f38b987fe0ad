//! The HTML report (`check --format html`, `explain --format html`): one self-contained
//! page, checked as text here and rendered in a real browser (headless Chromium, through
//! the `headless_chrome` driver): no console errors, one bar per stay, one mark per
//! deadline, and a screenshot under `target/` to look at.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use assert_cmd::Command;

fn kzrules() -> Command {
    let mut cmd = Command::cargo_bin("kzrules").unwrap();
    cmd.env("NO_COLOR", "1").env("KZRULES_TODAY", "2024-06-30");
    cmd
}

fn output(args: &[&str]) -> (Option<i32>, String) {
    let out = kzrules().args(args).output().unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

/// The number of obligations `kzrules check --format json` gives a case.
fn obligations(case: &str) -> usize {
    let (_, json) = output(&["check", "--format", "json", case]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["obligations"].as_array().unwrap().len()
}

/// The page is self-contained: no script, no external style, image or link.
fn assert_self_contained(page: &str) {
    assert!(page.starts_with("<!DOCTYPE html>"), "{}", &page[..80]);
    assert!(page.trim_end().ends_with("</html>"));
    for bad in [
        "<script",
        "<link",
        "src=",
        "href=\"http",
        "url(http",
        "@import",
    ] {
        assert!(!page.contains(bad), "the page holds `{bad}`");
    }
    assert!(page.contains("<meta name=\"viewport\""));
    assert!(page.contains("@media print"));
}

#[test]
fn the_check_page_is_self_contained_with_a_timeline_and_tables() {
    let (code, page) = output(&["check", "--format", "html", "examples/trips.json"]);
    assert_eq!(code, Some(0));
    assert_self_contained(&page);
    // Four stays, one bar each; one mark per obligation, each with its status in words.
    assert_eq!(page.matches("data-kind=\"stay\"").count(), 4);
    assert_eq!(
        page.matches("data-kind=\"deadline\"").count(),
        obligations("examples/trips.json")
    );
    assert!(page.contains("90-day limit"));
    assert!(page.contains("role=\"img\""));
    for heading in ["Obligations", "Stay allowance", "Citations"] {
        assert!(page.contains(&format!("<h3>{heading}</h3>")), "{heading}");
    }
    assert!(page.contains("Tom Baker"));
    assert!(page.contains("Hotel Almaty (the host)"));
    assert!(page.contains("<strong>Next:</strong> leave Kazakhstan"));
}

#[test]
fn the_explain_page_has_the_day_by_day_counting() {
    let (code, page) = output(&["explain", "--format", "html", "examples/arrival.json"]);
    assert_eq!(code, Some(1));
    assert_self_contained(&page);
    assert!(page.contains("How each result was derived, day by day"));
    assert!(
        page.contains("within 3 business days of 2024-03-15"),
        "{page}"
    );
    // A late duty with its penalty: the mark says "late" and there is a penalty mark.
    assert!(page.contains("data-status=\"late\""));
    assert!(page.contains("data-kind=\"penalty\""));
}

#[test]
fn a_batch_page_has_one_section_per_case_and_an_index() {
    let (code, page) = output(&[
        "check",
        "--format",
        "html",
        "examples/trips.json",
        "examples/arrival.json",
    ]);
    assert_eq!(code, Some(1));
    assert_self_contained(&page);
    assert_eq!(page.matches("<section class=\"case\"").count(), 2);
    assert!(page.contains("<a href=\"#case-1\">gb-trips-2024</a>"));
    assert!(page.contains("<a href=\"#case-2\">arrival-friday-night</a>"));
    assert!(page.contains("id=\"case-2\""));
}

/// The browser: `KZRULES_CHROMIUM`, else Debian's `chromium` or another usual name.
fn browser_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("KZRULES_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

/// What the browser saw of a page.
struct Rendered {
    stays: i64,
    deadlines: i64,
    errors: Vec<String>,
}

/// Open `page` in headless Chromium, count the timeline's bars and marks, collect the
/// console errors and save a screenshot as `png`.
fn render(browser: &Path, page: &Path, png: &Path, width: u32) -> Rendered {
    use headless_chrome::protocol::cdp::types::Event;
    use headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption;
    use headless_chrome::{Browser, LaunchOptions};
    use std::ffi::OsStr;

    let profile = tempfile::tempdir().unwrap();
    let options = LaunchOptions::default_builder()
        .path(Some(browser.to_path_buf()))
        .headless(true)
        .sandbox(false)
        .enable_gpu(false)
        .window_size(Some((width, 1600)))
        .user_data_dir(Some(profile.path().to_path_buf()))
        .args(vec![
            OsStr::new("--disable-gpu"),
            OsStr::new("--disable-background-networking"),
            OsStr::new("--disable-component-update"),
            OsStr::new("--disable-sync"),
            OsStr::new("--no-first-run"),
        ])
        .build()
        .unwrap();
    let chrome = Browser::new(options).unwrap();
    let tab = chrome.new_tab().unwrap();
    let errors: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&errors);
    tab.enable_log().unwrap();
    tab.enable_runtime().unwrap();
    tab.add_event_listener(Arc::new(move |event: &Event| {
        let message = match event {
            Event::LogEntryAdded(e)
                if format!("{:?}", e.params.entry.level).eq_ignore_ascii_case("error") =>
            {
                Some(e.params.entry.text.clone())
            }
            Event::RuntimeExceptionThrown(e) => Some(e.params.exception_details.text.clone()),
            Event::RuntimeConsoleAPICalled(e)
                if format!("{:?}", e.params.Type).eq_ignore_ascii_case("error") =>
            {
                Some(format!("{:?}", e.params.args))
            }
            _ => None,
        };
        if let Some(m) = message {
            sink.lock().unwrap().push(m);
        }
    }))
    .unwrap();
    let url = format!("file://{}", page.display());
    tab.navigate_to(&url).unwrap();
    tab.wait_until_navigated().unwrap();
    let count = |selector: &str| -> i64 {
        tab.evaluate(
            &format!("document.querySelectorAll('{selector}').length"),
            false,
        )
        .unwrap()
        .value
        .and_then(|v| v.as_i64())
        .unwrap()
    };
    let stays = count("svg.timeline [data-kind=stay]");
    let deadlines = count("svg.timeline [data-kind=deadline]");
    let shot = tab
        .capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)
        .unwrap();
    std::fs::write(png, shot).unwrap();
    let errors = errors.lock().unwrap().clone();
    Rendered {
        stays,
        deadlines,
        errors,
    }
}

#[test]
fn the_page_renders_in_headless_chromium() {
    let Some(browser) = browser_path() else {
        eprintln!(
            "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
             SKIPPED: no Chromium found (install Debian's `chromium`, as .ci/run does, or set\n\
             KZRULES_CHROMIUM): the HTML report was NOT tested in a browser.\n\
             !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
        );
        return;
    };
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-report");
    std::fs::create_dir_all(&dir).unwrap();
    // The harness sees console errors: a page that logs one and throws is caught.
    let probe = dir.join("probe.html");
    std::fs::write(
        &probe,
        "<!DOCTYPE html><html><body><script>console.error('probe'); throw new Error('thrown');</script></body></html>",
    )
    .unwrap();
    let seen = render(&browser, &probe, &dir.join("probe.png"), 400);
    assert!(
        seen.errors.len() >= 2,
        "console errors not seen: {:?}",
        seen.errors
    );
    for (name, args, stays, width) in [
        (
            "check-trips",
            vec!["check", "--format", "html", "examples/trips.json"],
            4,
            1100,
        ),
        (
            "check-trips-phone",
            vec!["check", "--format", "html", "examples/trips.json"],
            4,
            390,
        ),
        (
            "explain-arrival",
            vec!["explain", "--format", "html", "examples/arrival.json"],
            1,
            1100,
        ),
    ] {
        let (_, page) = output(&args);
        let html = dir.join(format!("{name}.html"));
        std::fs::write(&html, &page).unwrap();
        let png = dir.join(format!("{name}.png"));
        let seen = render(&browser, &html, &png, width);
        assert!(
            seen.errors.is_empty(),
            "{name}: console errors: {:?}",
            seen.errors
        );
        assert_eq!(seen.stays, stays, "{name}: bars");
        let case = args.last().unwrap();
        assert_eq!(
            seen.deadlines,
            i64::try_from(obligations(case)).unwrap(),
            "{name}: marks"
        );
        let size = std::fs::metadata(&png).unwrap().len();
        assert!(size > 10_000, "{name}: a screenshot of {size} bytes");
        eprintln!("screenshot: {}", png.display());
    }
}
