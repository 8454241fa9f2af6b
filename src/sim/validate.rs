//! The checks WeCom makes on create and modify bodies, each answered with its errcode.

use super::state::World;
use crate::wecom::errcode::{INVALID_MEDIA_ID, INVALID_PARAMETER, INVALID_USERID};
use crate::wecom::limits;
use crate::wecom::types::CreateLiving;

pub(crate) fn theme(theme: &str) -> Result<(), i64> {
    let ok = !theme.trim().is_empty()
        && theme.chars().count() <= limits::THEME_MAX_CHARS
        && theme.len() <= limits::THEME_MAX_BYTES;
    ok.then_some(()).ok_or(INVALID_PARAMETER)
}

pub(crate) fn description(description: Option<&str>) -> Result<(), i64> {
    let Some(text) = description else {
        return Ok(());
    };
    let ok = text.chars().count() <= limits::DESCRIPTION_MAX_CHARS
        && text.len() <= limits::DESCRIPTION_MAX_BYTES;
    ok.then_some(()).ok_or(INVALID_PARAMETER)
}

pub(crate) fn living_type(living_type: u8) -> Result<(), i64> {
    limits::LIVING_TYPES
        .contains(&living_type)
        .then_some(())
        .ok_or(INVALID_PARAMETER)
}

/// A start in the future and a positive duration.
pub(crate) fn timing(start: i64, duration: i64, now: i64) -> Result<(), i64> {
    (start > now && duration > 0)
        .then_some(())
        .ok_or(INVALID_PARAMETER)
}

pub(crate) fn remind(remind_time: Option<i64>) -> Result<(), i64> {
    remind_time
        .is_none_or(|r| r >= limits::REMIND_MIN)
        .then_some(())
        .ok_or(INVALID_PARAMETER)
}

pub(crate) fn anchor(userid: &str, users: Option<&[String]>) -> Result<(), i64> {
    let known = match users {
        Some(users) => users.iter().any(|u| u == userid),
        None => !userid.trim().is_empty(),
    };
    known.then_some(()).ok_or(INVALID_USERID)
}

fn media(world: &World, media_id: &str, now: i64) -> Result<(), i64> {
    match world.media.get(media_id) {
        Some(&created) if now - created < limits::MEDIA_LIFETIME_SECONDS => Ok(()),
        _ => Err(INVALID_MEDIA_ID),
    }
}

/// Everything `living/create` checks; truncates `image_list` as WeCom does.
pub(crate) fn create(
    body: &mut CreateLiving,
    world: &World,
    users: Option<&[String]>,
    now: i64,
) -> Result<(), i64> {
    anchor(&body.anchor_userid, users)?;
    theme(&body.theme)?;
    living_type(body.living_type)?;
    timing(body.living_start, body.living_duration, now)?;
    description(body.description.as_deref())?;
    remind(body.remind_time)?;
    for id in [&body.activity_cover_mediaid, &body.activity_share_mediaid]
        .into_iter()
        .flatten()
    {
        media(world, id, now)?;
    }
    if let Some(detail) = &mut body.activity_detail {
        description(detail.description.as_deref())?;
        detail.image_list.truncate(limits::ACTIVITY_MAX_IMAGES);
        for id in &detail.image_list {
            media(world, id, now)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theme_limits_count_characters_and_bytes() {
        assert!(theme(&"a".repeat(20)).is_ok());
        assert!(theme(&"a".repeat(21)).is_err());
        // 20 CJK characters are 60 bytes: both limits hold exactly.
        assert!(theme(&"课".repeat(20)).is_ok());
        // 15 four-byte characters: 15 characters, 60 bytes.
        assert!(theme(&"😀".repeat(15)).is_ok());
        assert!(theme(&"😀".repeat(16)).is_err());
        assert!(theme("").is_err());
    }

    #[test]
    fn description_limits() {
        assert!(description(None).is_ok());
        assert!(description(Some(&"课".repeat(100))).is_ok());
        assert!(description(Some(&"课".repeat(101))).is_err());
        assert!(description(Some(&"😀".repeat(76))).is_err());
    }
}
