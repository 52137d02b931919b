"""The MMS media library: files a provider downloads from the panel's public URL."""
