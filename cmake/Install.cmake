# Install rules and the Debian package (CPack). `make install DESTDIR=…` stages a tree;
# `make deb` builds build/jobcast_VERSION_ARCH.deb with prefix /usr, /etc/jobcast and the unit.
#
# The prefix is /usr unless asked otherwise: jobcast is made for Debian, its package installs
# there, and the paths written into the unit must be the ones the files land at. GNUInstallDirs
# then gives Debian's multiarch lib folder (where GStreamer looks for plugins) and /etc.
if(CMAKE_INSTALL_PREFIX_INITIALIZED_TO_DEFAULT)
    set(CMAKE_INSTALL_PREFIX /usr CACHE PATH "Install prefix" FORCE)
endif()
include(GNUInstallDirs)

# GStreamer looks for plugins in LIBDIR/gstreamer-1.0 (pkg-config's pluginsdir for prefix /usr).
set(JC_PLUGINDIR ${CMAKE_INSTALL_LIBDIR}/gstreamer-1.0)
# systemd reads units from PREFIX/lib/systemd/system for /usr and /usr/local alike.
set(JC_UNITDIR ${CMAKE_INSTALL_PREFIX}/lib/systemd/system)
set(JC_BINDIR ${CMAKE_INSTALL_FULL_BINDIR})
set(JC_CONFDIR ${CMAKE_INSTALL_FULL_SYSCONFDIR}/jobcast)
set(JC_DOCDIR ${CMAKE_INSTALL_FULL_DOCDIR})

install(TARGETS jobcast RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS gstjobcast LIBRARY DESTINATION ${JC_PLUGINDIR})
# Stream keys live in jobcast.ini: readable by root and the service's group only.
install(FILES config/jobcast.example.ini DESTINATION ${JC_CONFDIR} RENAME jobcast.ini
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)
install(FILES config/theme.example.ini DESTINATION ${JC_CONFDIR}/themes RENAME default.ini)
configure_file(packaging/jobcast.service.in ${PROJECT_BINARY_DIR}/packaging/jobcast.service @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/packaging/jobcast.service DESTINATION ${JC_UNITDIR})
install(FILES packaging/jobcast.sysusers DESTINATION ${CMAKE_INSTALL_PREFIX}/lib/sysusers.d
        RENAME jobcast.conf)
install(FILES README.md docs/deploy.md docs/protocol.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
# Prometheus alert rules for /metrics (docs/deploy.md, "Monitoring"): data, not documentation
# (a Debian system may drop /usr/share/doc), so rule_files can name them where they stay.
install(FILES deploy/prometheus/jobcast-alerts.yml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/jobcast/prometheus)

# The .deb. Library dependencies come from dpkg-shlibdeps (what the binary links); what it
# loads at run time by name (GStreamer elements, fonts, TLS for rtmps://) is listed here.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME jobcast)
set(CPACK_PACKAGE_VENDOR "jobcast")
set(CPACK_PACKAGE_CONTACT "jobcast maintainers <jobcast@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "recruitment livestream studio (job cards, QR sign-ups, RTMP)")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
# /etc/jobcast is an absolute destination: the package is staged with DESTDIR.
set(CPACK_SET_DESTDIR ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION video)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "gstreamer1.0-plugins-base, gstreamer1.0-plugins-good, gstreamer1.0-plugins-bad, gstreamer1.0-plugins-ugly, gstreamer1.0-libav, gstreamer1.0-x, gstreamer1.0-alsa, glib-networking, fonts-noto-cjk, systemd")
# Files under /etc are the operator's: upgrades keep their edits.
file(WRITE ${PROJECT_BINARY_DIR}/packaging/conffiles
     "/etc/jobcast/jobcast.ini\n/etc/jobcast/themes/default.ini\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_BINARY_DIR}/packaging/conffiles ${PROJECT_SOURCE_DIR}/packaging/postinst
    ${PROJECT_SOURCE_DIR}/packaging/prerm ${PROJECT_SOURCE_DIR}/packaging/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
