/** The wire views moved to the application layer; re-exported for the routes and streams. */
export * from '../app/views.js';
