//! What WeCom accepts: the documented limits of the living API, in one place.
//!
//! The planner warns about them before anything is sent and the simulator
//! rejects bodies that break them; both read these, so the two cannot disagree.

use std::ops::RangeInclusive;

use super::types::LivingType;

/// A theme holds at most this many characters…
pub const THEME_MAX_CHARS: usize = 20;
/// …and at most this many UTF-8 bytes: 20 CJK characters fit, 16 emoji do not.
pub const THEME_MAX_BYTES: usize = 60;

/// `description` (and `activity_detail.description`) in characters…
pub const DESCRIPTION_MAX_CHARS: usize = 100;
/// …and in UTF-8 bytes.
pub const DESCRIPTION_MAX_BYTES: usize = 300;

/// `type`: 0 通用直播 to 4 活动直播.
pub const LIVING_TYPES: RangeInclusive<LivingType> = 0..=4;

/// `remind_time` counts seconds before the start, so it cannot go below zero;
/// WeCom documents no upper bound.
pub const REMIND_MIN: i64 = 0;

/// Ours, not WeCom's: a reminder more than a week ahead is a typo (`remind: 9000h`),
/// and WeCom's own apps offer at most a day.
pub const REMIND_MAX: i64 = 7 * 86_400;

/// `activity_detail.image_list` keeps this many; WeCom drops the rest silently.
pub const ACTIVITY_MAX_IMAGES: usize = 5;

/// An uploaded image must be smaller than this (2 MB).
pub const IMAGE_MAX_BYTES: usize = 2 * 1024 * 1024;

/// A `media_id` from `media/upload` is usable for three days.
pub const MEDIA_LIFETIME_SECONDS: i64 = 3 * 86_400;

/// `get_user_all_livingid` returns at most this many ids a page.
pub const LIVINGID_PAGE_MAX: u32 = 100;

/// Lives one app may create in a day (UTC+8).
pub const CREATES_PER_DAY: u32 = 10_000;

/// Calls per corp per API in a minute before errcode 45009.
pub const CALLS_PER_MINUTE: u32 = 10_000;
