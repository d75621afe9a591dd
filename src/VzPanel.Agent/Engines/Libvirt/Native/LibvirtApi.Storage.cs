namespace VzPanel.Agent.Engines.Libvirt.Native;

internal sealed record PoolListing(string Name, string Xml, ulong Capacity, ulong Allocation, ulong Available);

internal sealed record VolumeListing(string Name, string Path, string Xml, ulong Capacity, ulong Allocation);

internal sealed unsafe partial class LibvirtApi
{
    /// <summary>Defines, builds and starts a <c>dir</c> pool unless it already runs.</summary>
    public void EnsureDirPool(string name, string path) => Connection.Use(conn =>
    {
        var pool = LibvirtNative.virStoragePoolLookupByName(conn, name);
        if (pool == 0)
        {
            LibvirtNative.virResetLastError();
            var xml = $"<pool type='dir'><name>{System.Security.SecurityElement.Escape(name)}</name><target><path>{System.Security.SecurityElement.Escape(path)}</path></target></pool>";
            pool = LibvirtException.Check(LibvirtNative.virStoragePoolDefineXML(conn, xml, 0), $"defining storage pool {name}");
            LibvirtException.Check(LibvirtNative.virStoragePoolBuild(pool, 0), $"building storage pool {name}");
            _ = LibvirtNative.virStoragePoolSetAutostart(pool, 1);
        }
        try
        {
            if (LibvirtNative.virStoragePoolIsActive(pool) != 1)
                LibvirtException.Check(LibvirtNative.virStoragePoolCreate(pool, 0), $"starting storage pool {name}");
        }
        finally
        {
            _ = LibvirtNative.virStoragePoolFree(pool);
        }
    });

    public PoolListing Pool(string name) => WithPool(name, pool =>
    {
        LibvirtException.Check(LibvirtNative.virStoragePoolRefresh(pool, 0), $"refreshing storage pool {name}");
        LibvirtException.Check(LibvirtNative.virStoragePoolGetInfo(pool, out var info), $"reading storage pool {name}");
        var xml = LibvirtNative.TakeString(LibvirtNative.virStoragePoolGetXMLDesc(pool, 0)) ?? "";
        return new PoolListing(name, xml, info.Capacity, info.Allocation, info.Available);
    });

    public IReadOnlyList<VolumeListing> Volumes(string poolName) => WithPool(poolName, pool =>
    {
        LibvirtException.Check(LibvirtNative.virStoragePoolRefresh(pool, 0), $"refreshing storage pool {poolName}");
        var count = LibvirtException.Check(LibvirtNative.virStoragePoolListAllVolumes(pool, out var volumes, 0), $"listing volumes of {poolName}");
        var list = new List<VolumeListing>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var volume = volumes[i];
                if (LibvirtNative.virStorageVolGetInfo(volume, out var info) < 0)
                    continue;
                var name = System.Runtime.InteropServices.Marshal.PtrToStringUTF8(LibvirtNative.virStorageVolGetName(volume)) ?? "";
                var path = LibvirtNative.TakeString(LibvirtNative.virStorageVolGetPath(volume)) ?? "";
                var xml = LibvirtNative.TakeString(LibvirtNative.virStorageVolGetXMLDesc(volume, 0)) ?? "";
                list.Add(new VolumeListing(name, path, xml, info.Capacity, info.Allocation));
            }
        }
        finally
        {
            for (var i = 0; i < count; i++)
                _ = LibvirtNative.virStorageVolFree(volumes[i]);
            System.Runtime.InteropServices.NativeMemory.Free(volumes);
        }
        return (IReadOnlyList<VolumeListing>)list;
    });

    /// <summary>Creates a volume from its XML and returns its path.</summary>
    public string CreateVolume(string poolName, string xml) => WithPool(poolName, pool =>
    {
        var volume = LibvirtException.Check(LibvirtNative.virStorageVolCreateXML(pool, xml, 0), $"creating a volume in {poolName}");
        try
        {
            return LibvirtNative.TakeString(LibvirtNative.virStorageVolGetPath(volume))!;
        }
        finally
        {
            _ = LibvirtNative.virStorageVolFree(volume);
        }
    });

    /// <summary>One volume of the pool (the pool is not refreshed), or null when it does not have one of that name.</summary>
    public VolumeListing? Volume(string poolName, string name) => WithPool<VolumeListing?>(poolName, pool =>
    {
        var volume = LibvirtNative.virStorageVolLookupByName(pool, name);
        if (volume == 0)
        {
            var missing = LibvirtException.Last($"finding volume {name}");
            if (missing.Code == LibvirtErrorCode.NoStorageVolume)
                return null;
            throw missing;
        }
        try
        {
            LibvirtException.Check(LibvirtNative.virStorageVolGetInfo(volume, out var info), $"reading volume {name}");
            var path = LibvirtNative.TakeString(LibvirtNative.virStorageVolGetPath(volume)) ?? "";
            var xml = LibvirtNative.TakeString(LibvirtNative.virStorageVolGetXMLDesc(volume, 0)) ?? "";
            return new VolumeListing(name, path, xml, info.Capacity, info.Allocation);
        }
        finally
        {
            _ = LibvirtNative.virStorageVolFree(volume);
        }
    });

    /// <summary>Sets a volume's capacity (thin: nothing is allocated); the image must not be open in a running domain.</summary>
    public void ResizeVolume(string poolName, string name, ulong capacityBytes) => WithPool(poolName, pool =>
    {
        var volume = LibvirtException.Check(LibvirtNative.virStorageVolLookupByName(pool, name), $"finding volume {name}");
        try
        {
            return LibvirtException.Check(LibvirtNative.virStorageVolResize(volume, capacityBytes, 0), $"resizing volume {name}");
        }
        finally
        {
            _ = LibvirtNative.virStorageVolFree(volume);
        }
    });

    /// <summary>Deletes the volume; false when it did not exist.</summary>
    public bool DeleteVolume(string poolName, string name) => WithPool(poolName, pool =>
    {
        var volume = LibvirtNative.virStorageVolLookupByName(pool, name);
        if (volume == 0)
        {
            var missing = LibvirtException.Last($"finding volume {name}");
            return missing.Code == LibvirtErrorCode.NoStorageVolume ? false : throw missing;
        }
        try
        {
            LibvirtException.Check(LibvirtNative.virStorageVolDelete(volume, 0), $"deleting volume {name}");
            return true;
        }
        finally
        {
            _ = LibvirtNative.virStorageVolFree(volume);
        }
    });

    /// <summary>Destroys and undefines a pool (tests use throwaway pools); its volumes must be gone.</summary>
    public void RemovePool(string name) => WithPool(name, pool =>
    {
        if (LibvirtNative.virStoragePoolIsActive(pool) == 1)
            LibvirtException.Check(LibvirtNative.virStoragePoolDestroy(pool), $"stopping storage pool {name}");
        LibvirtException.Check(LibvirtNative.virStoragePoolUndefine(pool), $"undefining storage pool {name}");
        return 0;
    });

    private T WithPool<T>(string name, Func<nint, T> call) => Connection.Use(conn =>
    {
        var pool = LibvirtException.Check(LibvirtNative.virStoragePoolLookupByName(conn, name), $"finding storage pool {name}");
        try
        {
            return call(pool);
        }
        finally
        {
            _ = LibvirtNative.virStoragePoolFree(pool);
        }
    });
}
