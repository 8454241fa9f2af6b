//! The WeCom living API: types, client, token cache, errcode classification.

mod client;
mod config;
pub(crate) mod errcode;
mod error;
pub mod limits;
mod secret;
mod token;
pub mod types;

pub use client::Client;
pub use config::{ClientConfig, ConfigError, DEFAULT_API_BASE, check_api_base};
pub use errcode::meaning;
pub use error::{ApiError, ErrorClass};
pub use secret::Secret;
pub use types::{
    ActivityDetail, CancelLiving, CreateLiving, LivingInfo, LivingStatus, LivingType, MediaUpload,
    ModifyLiving, UserLivingIds, UserLivingIdsRequest, WatchStatInfo, WatchStatPage,
    WatchStatRequest, WatchingExternalUser, WatchingUser, status,
};
