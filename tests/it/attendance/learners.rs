//! `learners`: userids or roster files, in `defaults` or per class, and every problem
//! with them reported with its file, line and column.

use crate::support::{TERM, Test};

fn schedule(learners_default: &str, class_a: &str) -> String {
    format!(
        "{TERM}defaults:\n  anchor: t1\n  duration: 1h\n{learners_default}classes:\n  - id: a\n    theme: A {{n}}\n    weekly: {{ days: [mon], at: \"10:00\" }}\n{class_a}  - id: b\n    theme: B {{n}}\n    weekly: {{ days: [tue], at: \"10:00\" }}\n"
    )
}

#[test]
fn learners_come_from_a_list_or_a_shared_roster_in_any_encoding() {
    // A roster as Excel saves it in a Chinese locale: GB18030, WeCom's own column names.
    let (gbk, _, _) = encoding_rs::GB18030
        .encode("姓名,账号,部门,职务\r\n李四,lisi,培训部,讲师\r\n王五,wangwu,,\r\n");
    let t = Test::new()
        .schedule(schedule(
            "  learners: rosters/all.csv\n",
            "    learners: [zhaoliu, sunqi]\n",
        ))
        .file("rosters/all.csv", gbk);
    t.run(&["validate", "t.yaml"]).assert_code(0);
    let t = Test::new()
        .schedule(schedule("", "    learners: zhaoliu, rosters/all.csv\n"))
        .file("rosters/all.csv", "\u{feff}userid,name\nlisi,李四\n");
    t.run(&["validate", "t.yaml"]).assert_code(0);
}

#[test]
fn a_userid_twice_an_empty_one_or_a_missing_roster_is_shown_where_it_is() {
    let t = Test::new()
        .schedule(schedule(
            "  learners: rosters/all.csv\n",
            "    learners: [lisi, wangwu, lisi, rosters/nope.csv]\n",
        ))
        .file(
            "rosters/all.csv",
            "name,userid\n李四,lisi\n赵六,\n王五,wangwu\n重名,wangwu\nx,zhang san\n",
        );
    let out = t.run(&["validate", "t.yaml"]);
    out.assert_code(3)
        .assert_stderr_contains("learner `lisi` is listed twice")
        .assert_stderr_contains("t.yaml:13:30")
        .assert_stderr_contains("roster `rosters/nope.csv` not found")
        .assert_stderr_contains("t.yaml:13:36")
        .assert_stderr_contains("row 3 of the roster has no userid")
        .assert_stderr_contains("rosters/all.csv:3:4")
        .assert_stderr_contains("learner `wangwu` is listed twice")
        .assert_stderr_contains("rosters/all.csv:5:4")
        .assert_stderr_contains("first listed in `rosters/all.csv` line 4")
        .assert_stderr_contains("invalid `userid`: `zhang san`")
        .assert_stderr_contains("rosters/all.csv:6:3");
    // The shared roster's problems are told once, not once per class.
    assert_eq!(out.stderr.matches("listed again here").count(), 2, "{out}");
}

#[test]
fn a_roster_needs_a_userid_column() {
    let t = Test::new()
        .schedule(schedule("", "    learners: r.csv\n"))
        .file("r.csv", "name,dept\n李四,x\n");
    t.run(&["validate", "t.yaml"])
        .assert_code(3)
        .assert_stderr_contains("roster `r.csv` has no `userid` column")
        .assert_stderr_contains("r.csv:1:1");
}

#[test]
fn a_csv_class_names_its_learners_in_a_column() {
    let t = Test::new()
        .file(
            "t.yaml",
            format!("{TERM}defaults:\n  anchor: t1\n  duration: 1h\nclasses_from: [c.csv]\n"),
        )
        .file(
            "c.csv",
            "id,theme,days,at,learners\nx,X {n},mon,10:00,lisi;wangwu\ny,Y {n},tue,10:00,r.csv\n",
        )
        .file("r.csv", "userid\nlisi\nlisi\n");
    t.run(&["validate", "t.yaml"])
        .assert_code(3)
        .assert_stderr_contains("learner `lisi` is listed twice")
        .assert_stderr_contains("r.csv:3:1");
}
