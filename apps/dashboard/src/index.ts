export { createApp, ApiError } from './app';
