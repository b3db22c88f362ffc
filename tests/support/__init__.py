"""Helpers the tests share: the throwaway servers, the test images, and the actions tests take."""
