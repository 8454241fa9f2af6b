//! A planned live's `living/create` body as JSON text, written by hand: the
//! JSON plan shows one per session, and `plan` compares each with the one its
//! ledger records.

use serde::Serialize;

use super::json_text::{int, text};
use super::live::{EscapedTemplate, Theme};
use crate::wecom::types::ActivityDetail;

/// A planned live's `living/create` body, borrowed from the live and its class,
/// with its fields in the order of a `serde_json::Value` of
/// [`CreateLiving`](crate::wecom::types::CreateLiving)
/// (sorted): written out, it is the text the JSON plan shows and a ledger record
/// holds, made without building the `Value`.
#[derive(Debug, Clone, Serialize)]
pub struct CreateBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity_cover_mediaid: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity_detail: Option<&'a ActivityDetail>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity_share_mediaid: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agentid: Option<i64>,
    pub anchor_userid: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    pub living_duration: i64,
    pub living_start: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remind_time: Option<i64>,
    pub theme: Theme<'a>,
    #[serde(rename = "type")]
    pub living_type: u8,
}

/// How a body's JSON object is laid out: what goes before each member's value,
/// how the activity's detail is written, and what ends the object. The
/// members themselves, in their order, are [`CreateBody::write_with`]'s.
pub(crate) trait BodyLayout {
    /// The separator (none before the first member), the name and its colon.
    fn member(&mut self, buf: &mut Vec<u8>, name: &str);
    fn detail(&mut self, buf: &mut Vec<u8>, detail: &ActivityDetail);
    fn close(&mut self, buf: &mut Vec<u8>);
}

/// The compact layout, as `serde_json::to_writer` writes.
struct Compact {
    first: bool,
}

impl BodyLayout for Compact {
    fn member(&mut self, buf: &mut Vec<u8>, name: &str) {
        if !std::mem::replace(&mut self.first, false) {
            buf.push(b',');
        }
        buf.push(b'"');
        buf.extend_from_slice(name.as_bytes());
        buf.extend_from_slice(b"\":");
    }

    fn detail(&mut self, buf: &mut Vec<u8>, detail: &ActivityDetail) {
        // Writing to a `Vec` does not fail.
        let _ = serde_json::to_writer(&mut *buf, detail);
    }

    fn close(&mut self, buf: &mut Vec<u8>) {
        buf.push(b'}');
    }
}

impl CreateBody<'_> {
    /// The body as compact JSON, appended to `buf`: byte for byte what
    /// `serde_json::to_writer` writes of it, without going field by field
    /// through `serde` (a plan compares every session's with the ledger's).
    pub fn write_compact(&self, buf: &mut Vec<u8>) {
        self.write_with(buf, &mut Compact { first: true });
    }

    /// The body as JSON in `layout`, appended to `buf`: its members in the
    /// order serde writes them, unset ones left out.
    pub(crate) fn write_with(&self, buf: &mut Vec<u8>, layout: &mut impl BodyLayout) {
        self.write_head(buf, layout);
        int(buf, self.living_start);
        self.write_middle(buf, layout);
        self.theme.write_escaped(buf);
        self.write_tail(buf, layout);
    }

    /// What comes before the start's value: the members before it, and its name.
    fn write_head(&self, buf: &mut Vec<u8>, layout: &mut impl BodyLayout) {
        buf.push(b'{');
        if let Some(cover) = self.activity_cover_mediaid {
            layout.member(buf, "activity_cover_mediaid");
            text(buf, cover);
        }
        if let Some(detail) = self.activity_detail {
            layout.member(buf, "activity_detail");
            layout.detail(buf, detail);
        }
        if let Some(share) = self.activity_share_mediaid {
            layout.member(buf, "activity_share_mediaid");
            text(buf, share);
        }
        if let Some(agentid) = self.agentid {
            layout.member(buf, "agentid");
            int(buf, agentid);
        }
        layout.member(buf, "anchor_userid");
        text(buf, self.anchor_userid);
        if let Some(description) = self.description {
            layout.member(buf, "description");
            text(buf, description);
        }
        layout.member(buf, "living_duration");
        int(buf, self.living_duration);
        layout.member(buf, "living_start");
    }

    /// What comes between the start's value and the theme's text: the
    /// reminder, and the theme's name and opening quote.
    fn write_middle(&self, buf: &mut Vec<u8>, layout: &mut impl BodyLayout) {
        if let Some(remind) = self.remind_time {
            layout.member(buf, "remind_time");
            int(buf, remind);
        }
        layout.member(buf, "theme");
        buf.push(b'"');
    }

    /// What follows the theme's text: its closing quote, the type, the end.
    fn write_tail(&self, buf: &mut Vec<u8>, layout: &mut impl BodyLayout) {
        buf.push(b'"');
        layout.member(buf, "type");
        int(buf, i64::from(self.living_type));
        layout.close(buf);
    }

    /// Whether `self` and `other` differ at most in their start and in what
    /// fills their theme's template (number, week, date), so that their JSON
    /// differs only there (see [`WrittenBodies`]).
    fn same_frame(&self, other: &CreateBody<'_>) -> bool {
        // Every field named, so that a new one is not forgotten here.
        let CreateBody {
            activity_cover_mediaid,
            activity_detail,
            activity_share_mediaid,
            agentid,
            anchor_userid,
            description,
            living_duration,
            living_start: _,
            remind_time,
            theme,
            living_type,
        } = *self;
        same_some(activity_cover_mediaid, other.activity_cover_mediaid)
            && same_some(activity_detail, other.activity_detail)
            && same_some(activity_share_mediaid, other.activity_share_mediaid)
            && agentid == other.agentid
            && same(anchor_userid, other.anchor_userid)
            && same_some(description, other.description)
            && living_duration == other.living_duration
            && remind_time == other.remind_time
            && same(theme.template, other.theme.template)
            && living_type == other.living_type
    }
}

/// Whether `a` and `b` are equal: at once when they are the same (the
/// sessions of a class borrow its fields).
fn same<T: PartialEq + ?Sized>(a: &T, b: &T) -> bool {
    std::ptr::eq(a, b) || a == b
}

/// [`same`] for fields that may be unset.
fn same_some<T: PartialEq + ?Sized>(a: Option<&T>, b: Option<&T>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => same(a, b),
        (a, b) => a.is_none() && b.is_none(),
    }
}

/// Tells whether a text is a body's compact JSON, as [`CreateBody::write_compact`]
/// writes it, without writing every body whole: the sessions of a class differ
/// only in their start and theme. What a class's bodies share is written once
/// (again only when a session's anchor differs from the one before it), and
/// kept by class, as a ledger not yet compacted has its keys in the plan's order.
#[derive(Debug, Default)]
pub(crate) struct WrittenBodies<'a> {
    /// By the class's place among the schedule's classes.
    frames: Vec<Option<Frame<'a>>>,
    /// The start, the middle and the theme, for the body at hand.
    scratch: Vec<u8>,
}

/// What the bodies of a class's sessions share.
#[derive(Debug)]
struct Frame<'a> {
    /// The body it was written for.
    body: CreateBody<'a>,
    /// Up to the start's value, between it and the theme's text, and after that.
    head: Vec<u8>,
    middle: Vec<u8>,
    tail: Vec<u8>,
    /// The theme's template, escaped.
    template: EscapedTemplate,
}

impl<'a> Frame<'a> {
    fn new(body: CreateBody<'a>) -> Frame<'a> {
        let layout = &mut Compact { first: true };
        let (mut head, mut middle, mut tail) = (Vec::new(), Vec::new(), Vec::new());
        body.write_head(&mut head, layout);
        body.write_middle(&mut middle, layout);
        body.write_tail(&mut tail, layout);
        Frame {
            template: EscapedTemplate::new(body.theme.template),
            body,
            head,
            middle,
            tail,
        }
    }
}

impl<'a> WrittenBodies<'a> {
    /// Whether `text` is `body` written by [`CreateBody::write_compact`];
    /// `class` is the place of its class among the schedule's classes.
    pub(crate) fn is_written(&mut self, class: usize, body: CreateBody<'a>, text: &[u8]) -> bool {
        if class >= self.frames.len() {
            self.frames.resize_with(class + 1, || None);
        }
        let frame = match &mut self.frames[class] {
            Some(frame) if frame.body.same_frame(&body) => frame,
            slot => slot.insert(Frame::new(body.clone())),
        };
        let inner = text
            .strip_prefix(&frame.head[..])
            .and_then(|rest| rest.strip_suffix(&frame.tail[..]));
        let Some(inner) = inner else {
            return false;
        };
        self.scratch.clear();
        int(&mut self.scratch, body.living_start);
        self.scratch.extend_from_slice(&frame.middle);
        frame.template.write(&mut self.scratch, &body.theme);
        inner == &self.scratch[..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example term's sessions, in an order that goes from class to class
    /// and back, and the compact JSON of each.
    fn bodies() -> Vec<(crate::plan::PlannedLive, Vec<u8>)> {
        let plan = crate::plan::example_plan();
        plan.lives
            .into_iter()
            .map(|live| {
                let mut text = Vec::new();
                live.body().write_compact(&mut text);
                (live, text)
            })
            .collect()
    }

    #[test]
    fn a_body_is_written_as_write_compact_writes_it_and_as_nothing_else() {
        let all = bodies();
        let mut sorted: Vec<_> = all.iter().collect();
        sorted.sort_by(|a, b| a.0.key.cmp(&b.0.key));
        // In the plan's order (class after class) and in the keys' (runs of a class).
        for order in [all.iter().collect::<Vec<_>>(), sorted] {
            let mut written = WrittenBodies::default();
            for (at, (live, text)) in order.iter().enumerate() {
                let class = live.class.index;
                assert!(written.is_written(class, live.body(), text), "{}", live.key);
                let other = &order[(at + 1) % order.len()].1;
                assert_eq!(written.is_written(class, live.body(), other), other == text);
                for cut in [0, 1, text.len() / 2, text.len() - 1] {
                    let mut changed = text.clone();
                    changed[cut] ^= 1;
                    assert!(!written.is_written(class, live.body(), &changed), "{cut}");
                    assert!(
                        !written.is_written(class, live.body(), &text[..cut]),
                        "{cut}"
                    );
                }
                let longer = [&text[..], b" "].concat();
                assert!(!written.is_written(class, live.body(), &longer));
                // Taken for another class's (as one schedule's class may be another's place in the next).
                let elsewhere = (class + 1) % 3;
                assert!(written.is_written(elsewhere, live.body(), text));
                // The same body but for its theme's template.
                let mut retitled = live.body();
                retitled.theme.template = "{n}: retitled";
                let mut retitled_text = Vec::new();
                retitled.write_compact(&mut retitled_text);
                assert!(written.is_written(class, retitled.clone(), &retitled_text));
                assert!(!written.is_written(class, retitled, text));
            }
        }
    }
}
