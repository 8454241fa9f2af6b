//! `plan --format html`: the term as one self-contained page, with each session's ledger state.

use crate::support::{Test, repo};

const NOW: &str = "2027-01-04T09:00:00+08:00";

fn example() -> String {
    let out = Test::new().current_dir(repo()).now(NOW).run(&[
        "plan",
        "schedules/spring-2027.yaml",
        "--format",
        "html",
    ]);
    out.assert_code(0);
    out.stdout
}

#[test]
fn the_example_term_as_a_page() {
    insta::assert_snapshot!(example());
}

#[test]
fn one_block_per_session_and_nothing_fetched() {
    let page = example();
    assert_eq!(page.matches("data-key=").count(), 294);
    assert_eq!(page.matches("class=\"session ").count(), 294);
    for outside in [
        "http:", "https:", "<script", "<img", "<link", "url(", "@import",
    ] {
        assert!(!page.contains(outside), "the page holds `{outside}`");
    }
    assert!(page.contains("@page{size:A4 landscape"));
    assert!(page.contains("@media screen and (max-width:700px)"));
    // Holidays and make-up days are named; the cancelled and the moved session are marked.
    for text in ["清明节", "劳动节", "端午节", "调休 make-up"] {
        assert!(page.contains(text), "no `{text}`");
    }
    assert!(page.contains("data-skipped=\"ml-101/2027-04-07\""));
    assert!(page.contains("<div class=\"note moved\">moved from 2027-03-17 19:00</div>"));
    assert_eq!(page, example(), "the page is deterministic");
}

const SMALL: &str = r#"version: 1
term:
  name: 状态 <测试> & "学期"
  start: 2027-02-22
  end: 2027-03-21
  holidays: [{ date: 2027-03-01, name: 停课 }]
  workdays: [{ date: 2027-03-06, as: mon }]
defaults: { anchor: zhangsan, type: training, duration: 90m }
classes:
  - id: ml
    theme: <b>机器学习</b> 第{n}讲
    weekly: { days: [mon, wed], at: "19:00" }
changes:
  - { class: ml, date: 2027-03-08, move_to: 2027-03-09T20:00 }
  - { class: ml, date: 2027-03-10, cancel: true }
"#;

#[test]
fn a_small_term_with_every_ledger_state() {
    let t = Test::new().schedule(SMALL).now(NOW);
    let doc = t.run(&["plan", "t.yaml", "--format", "json"]).json();
    let request = |i: usize| doc["lives"][i]["request"].clone();
    let at = "2027-01-01T00:00:00Z";
    let mut stale = request(2);
    stale["theme"] = "旧主题".into();
    t.write_ledger(&[
        serde_json::json!({"key": "ml/2027-02-22", "event": "created", "livingid": "L1", "at": at, "request": request(0)}),
        serde_json::json!({"key": "ml/2027-02-24", "event": "created", "livingid": "L2", "at": at, "request": request(1)}),
        serde_json::json!({"key": "ml/2027-02-24", "event": "refreshed", "livingid": "L2", "status": 4, "at": at}),
        serde_json::json!({"key": "ml/2027-03-03", "event": "modified", "livingid": "L3", "at": at, "request": stale}),
        serde_json::json!({"key": "ml/2027-03-06", "event": "failed", "errcode": 40003, "error": "bad userid", "at": at}),
        serde_json::json!({"key": "ml/2027-03-08", "event": "intent", "action": "create", "at": at}),
        serde_json::json!({"key": "ml/2027-03-15", "event": "created", "livingid": "L9", "at": at, "request": request(0)}),
        serde_json::json!({"key": "ml/2027-03-15", "event": "cancelled", "livingid": "L9", "at": at}),
        serde_json::json!({"key": "gone/2027-03-02", "event": "created", "livingid": "L<4>", "at": at, "request": {"living_start": 1_900_000_000}}),
    ]);
    let out = t.run(&["plan", "t.yaml", "--format", "html"]);
    out.assert_code(0);
    let page = out.stdout;
    assert!(!page.contains("<b>机器学习</b>"), "themes are escaped");
    assert!(page.contains("&lt;b&gt;机器学习&lt;/b&gt;"));
    assert!(page.contains("状态 &lt;测试&gt; &amp; &quot;学期&quot;"));
    for (key, state) in [
        ("ml/2027-02-22", "created"),
        ("ml/2027-02-24", "created"),
        ("ml/2027-03-03", "modified"),
        ("ml/2027-03-06", "failed"),
        ("ml/2027-03-08", "in_doubt"),
        ("ml/2027-03-15", "cancelled"),
        ("ml/2027-03-17", "planned"),
    ] {
        assert!(
            page.contains(&format!(" {state}\" data-key=\"{key}\"")),
            "`{key}` is not `{state}`"
        );
    }
    assert!(page.contains("WeCom: cancelled"), "drift is shown");
    assert!(page.contains("to modify"));
    assert!(
        page.contains("L&lt;4&gt;"),
        "the orphan's livingid is escaped"
    );
    insta::assert_snapshot!(page);
}
